namespace BadgeFlow.Domain.Density;

/// <summary>Security staff recommended for one zone.</summary>
public sealed record ZoneStaff(string ZoneId, string Name, int Staff);

/// <summary>Where to send the staff on duty: zones with at least one, most staff first. The staff sum is
/// <see cref="OnDuty"/> whenever the campus has a zone.</summary>
public sealed record StaffingPlan(int OnDuty, IReadOnlyList<ZoneStaff> Zones);

/// <summary>
/// Apportions the staff on duty over a report's zones (docs/density-report.md, "Staffing"): every CRITICAL zone first
/// gets one (the most crowded first when there are more critical zones than staff), then the rest goes by largest
/// remainder on each zone's crowding weight, the persons above a comfortable density for its area. Integer arithmetic
/// throughout, so there is no rounding drift: the allocations add up to the staff on duty exactly.
/// </summary>
public sealed class StaffAllocator
{
    /// <summary>Fruin level A's upper bound (persons/m²): free circulation, no one needs to be moved along.</summary>
    public const double DefaultComfortableDensity = 0.83;

    // Weights in hundredths of a person, so quotas and remainders are exact integers.
    private const double WeightScale = 100;

    private readonly double _comfortableDensity;

    public StaffAllocator(double comfortableDensity = DefaultComfortableDensity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(comfortableDensity);
        _comfortableDensity = comfortableDensity;
    }

    /// <summary>The crowding weight in hundredths of a person: occupancy above the comfortable density for the area.</summary>
    public long Weight(ZoneDensity zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var excess = zone.Occupancy - (_comfortableDensity * zone.AreaSquareMetres);
        return excess <= 0 ? 0 : (long)Math.Round(excess * WeightScale, MidpointRounding.AwayFromZero);
    }

    public StaffingPlan Allocate(IReadOnlyList<ZoneDensity> zones, int onDuty)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentOutOfRangeException.ThrowIfNegative(onDuty);

        var weights = zones.ToDictionary(z => z.ZoneId, Weight, StringComparer.Ordinal);
        var crowding = Comparer<ZoneDensity>.Create((a, b) => CompareCrowding(a, b, weights));
        var ordered = zones.OrderBy(z => z, crowding).ToList();
        var staff = zones.ToDictionary(z => z.ZoneId, _ => 0, StringComparer.Ordinal);

        var critical = ordered.Where(z => z.Severity == Severity.Critical).Take(onDuty).ToList();
        foreach (var zone in critical)
        {
            staff[zone.ZoneId] = 1;
        }

        var rest = onDuty - critical.Count;
        if (rest > 0 && ordered.Count > 0)
        {
            // Nobody above the comfortable density: the rest patrol in proportion to occupancy, then to rated capacity.
            Func<ZoneDensity, long> weightOf = ordered.Any(z => weights[z.ZoneId] > 0) ? z => weights[z.ZoneId]
                : ordered.Any(z => z.Occupancy > 0) ? z => z.Occupancy
                : ordered.Any(z => z.Capacity > 0) ? z => z.Capacity
                : _ => 1;
            Apportion(ordered, weightOf, rest, staff);
        }

        var plan = ordered
            .Where(z => staff[z.ZoneId] > 0)
            .Select(z => new ZoneStaff(z.ZoneId, z.Name, staff[z.ZoneId]))
            .OrderByDescending(s => s.Staff) // stable: equal allocations stay in crowding order
            .ToList();
        return new StaffingPlan(onDuty, plan);
    }

    /// <summary>Hamilton's method: each zone gets the floor of its quota, the seats left go to the largest remainders
    /// (crowding order among equal remainders).</summary>
    private static void Apportion(List<ZoneDensity> ordered, Func<ZoneDensity, long> weightOf, int seats, Dictionary<string, int> staff)
    {
        Int128 total = 0;
        foreach (var zone in ordered)
        {
            total += weightOf(zone);
        }

        var remainders = new List<(ZoneDensity Zone, Int128 Remainder, int Position)>(ordered.Count);
        var given = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var product = seats * (Int128)weightOf(ordered[i]);
            var floor = (int)(product / total);
            staff[ordered[i].ZoneId] += floor;
            given += floor;
            remainders.Add((ordered[i], product % total, i));
        }

        foreach (var (zone, _, _) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Position).Take(seats - given))
        {
            staff[zone.ZoneId] += 1;
        }
    }

    /// <summary>Most crowded first: crowding weight, then utilisation, then Fruin level, then zone id (deterministic).</summary>
    private static int CompareCrowding(ZoneDensity a, ZoneDensity b, Dictionary<string, long> weights)
    {
        var byWeight = weights[b.ZoneId].CompareTo(weights[a.ZoneId]);
        if (byWeight != 0)
        {
            return byWeight;
        }

        var byUtilisation = b.Utilisation.CompareTo(a.Utilisation);
        if (byUtilisation != 0)
        {
            return byUtilisation;
        }

        var byLevel = b.Level.CompareTo(a.Level);
        return byLevel != 0 ? byLevel : string.CompareOrdinal(a.ZoneId, b.ZoneId);
    }
}
