namespace BadgeFlow.Domain.Density;

/// <summary>What the warehouse counted for one zone in the report window and in the window before it.</summary>
/// <param name="Footfall">Distinct badges read in the zone during the window.</param>
/// <param name="Occupancy">Distinct badges whose latest read in the window was in the zone.</param>
public sealed record ZoneCounts(string ZoneId, long Footfall, long Occupancy, long PreviousFootfall, long PreviousOccupancy);

/// <summary>The density query's answer for a window: per-zone counts plus campus-wide figures.</summary>
/// <param name="Zones">Zones with at least one read in the window or the previous one.</param>
/// <param name="Reads">Distinct reads in the window (mapped or not).</param>
/// <param name="DistinctBadges">Distinct badges read anywhere in the window.</param>
/// <param name="UnmappedReads">Distinct reads in the window from sensors missing from the campus registry.</param>
/// <param name="LatestReadAt">The latest read_at loaded before the window's end; null when nothing was loaded.</param>
public sealed record WindowCounts(
    IReadOnlyList<ZoneCounts> Zones,
    long Reads,
    long DistinctBadges,
    long UnmappedReads,
    DateTimeOffset? LatestReadAt)
{
    /// <summary>Sensors whose implausible reads the counts leave out (docs/density-report.md "Implausible streams").</summary>
    public IReadOnlyList<SuspectSensor> SuspectSensors { get; init; } = [];
}

/// <summary>Area and rated capacity of a zone, as the campus registry describes it.</summary>
public sealed record ZoneProfile
{
    public ZoneProfile(string zoneId, string name, string venue, double areaSquareMetres, int capacity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zoneId);
        if (!(areaSquareMetres > 0) || double.IsInfinity(areaSquareMetres))
        {
            throw new ArgumentOutOfRangeException(nameof(areaSquareMetres), areaSquareMetres, $"Zone {zoneId} needs a positive area.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ZoneId = zoneId;
        Name = name;
        Venue = venue;
        AreaSquareMetres = areaSquareMetres;
        Capacity = capacity;
    }

    public string ZoneId { get; }
    public string Name { get; }
    public string Venue { get; }
    public double AreaSquareMetres { get; }
    public int Capacity { get; }
}
