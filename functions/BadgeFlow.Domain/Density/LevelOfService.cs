namespace BadgeFlow.Domain.Density;

/// <summary>Fruin's standing/queuing levels of service, from A (free) to F (crush), in persons per m².</summary>
public enum LevelOfService
{
    A,
    B,
    C,
    D,
    E,
    F,
}

public static class FruinLevels
{
    // Upper bounds in persons/m²: Fruin's 13, 10, 7, 3 and 2 ft² per person, as DESIGN.md rounds them.
    private static readonly (double UpperBound, LevelOfService Level)[] Bounds =
    [
        (0.83, LevelOfService.A),
        (1.08, LevelOfService.B),
        (1.54, LevelOfService.C),
        (3.59, LevelOfService.D),
        (5.38, LevelOfService.E),
    ];

    /// <summary>The level for a density; each bound is inclusive (exactly 0.83 persons/m² is still A).</summary>
    public static LevelOfService FromDensity(double personsPerSquareMetre)
    {
        if (double.IsNaN(personsPerSquareMetre) || personsPerSquareMetre < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(personsPerSquareMetre), personsPerSquareMetre, "A density is a non-negative number.");
        }

        foreach (var (upperBound, level) in Bounds)
        {
            if (personsPerSquareMetre <= upperBound)
            {
                return level;
            }
        }

        return LevelOfService.F;
    }

    /// <summary>Parses a level letter (settings such as WARNING_LEVEL=E).</summary>
    public static bool TryParse(string? text, out LevelOfService level)
    {
        level = default;
        if (text is not { Length: 1 } || text[0] is < 'A' or > 'F' and < 'a' or > 'f')
        {
            return false;
        }

        level = (LevelOfService)(char.ToUpperInvariant(text[0]) - 'A');
        return true;
    }
}
