namespace BadgeFlow.Domain.Density;

/// <summary>How urgently the security team should look; ordered, so the report's severity is the maximum over its zones.</summary>
public enum Severity
{
    Info,
    Warning,
    Critical,
}

/// <summary>When a zone becomes a warning or critical: utilisation (occupancy / capacity) or Fruin level reached.</summary>
public sealed record SeverityThresholds
{
    public SeverityThresholds(double warningUtilisation, double criticalUtilisation, LevelOfService warningLevel, LevelOfService criticalLevel)
    {
        if (!(warningUtilisation > 0) || !(criticalUtilisation >= warningUtilisation) || double.IsInfinity(criticalUtilisation))
        {
            throw new ArgumentException(
                $"Utilisation thresholds must satisfy 0 < warning ({warningUtilisation}) <= critical ({criticalUtilisation}).");
        }

        if (criticalLevel < warningLevel)
        {
            throw new ArgumentException($"The critical level ({criticalLevel}) cannot be below the warning level ({warningLevel}).");
        }

        WarningUtilisation = warningUtilisation;
        CriticalUtilisation = criticalUtilisation;
        WarningLevel = warningLevel;
        CriticalLevel = criticalLevel;
    }

    /// <summary>DESIGN.md's defaults: warning at 85 % of capacity or grade E, critical at capacity or grade F.</summary>
    public static SeverityThresholds Default { get; } = new(0.85, 1.0, LevelOfService.E, LevelOfService.F);

    public double WarningUtilisation { get; }
    public double CriticalUtilisation { get; }
    public LevelOfService WarningLevel { get; }
    public LevelOfService CriticalLevel { get; }

    public Severity Classify(double utilisation, LevelOfService level)
    {
        if (utilisation >= CriticalUtilisation || level >= CriticalLevel)
        {
            return Severity.Critical;
        }

        return utilisation >= WarningUtilisation || level >= WarningLevel ? Severity.Warning : Severity.Info;
    }
}
