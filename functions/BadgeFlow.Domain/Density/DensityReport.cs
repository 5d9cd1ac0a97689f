namespace BadgeFlow.Domain.Density;

/// <summary>Why a report was made: the schedule (with the time it was scheduled for) or a backfill of a named window.</summary>
public sealed record ReportTrigger
{
    private ReportTrigger(bool isBackfill, DateTimeOffset? scheduledTime)
    {
        IsBackfill = isBackfill;
        ScheduledTime = scheduledTime;
    }

    public bool IsBackfill { get; }

    /// <summary>The schedule's time (not the clock), so a rerun produces the identical report; null for a backfill.</summary>
    public DateTimeOffset? ScheduledTime { get; }

    public static ReportTrigger Scheduled(DateTimeOffset scheduledTime) => new(false, scheduledTime.ToUniversalTime());

    public static ReportTrigger Backfill { get; } = new(true, null);
}

/// <summary>One zone's line in the report. Densities are persons/m², utilisation a fraction of rated capacity.</summary>
public sealed record ZoneDensity(
    int Rank,
    string ZoneId,
    string Name,
    string Venue,
    double AreaSquareMetres,
    int Capacity,
    long Footfall,
    long Occupancy,
    double Density,
    double Utilisation,
    LevelOfService Level,
    Severity Severity,
    long PreviousFootfall,
    long PreviousOccupancy,
    double PreviousDensity,
    LevelOfService PreviousLevel)
{
    /// <summary>Occupancy now minus occupancy in the previous window.</summary>
    public long OccupancyChange => Occupancy - PreviousOccupancy;

    public double DensityChange => Math.Round(Density - PreviousDensity, DensityReportBuilder.DensityDecimals);
}

/// <summary>A zone the warehouse knows (reads carry its id) but the current campus registry does not.</summary>
public sealed record UnregisteredZone(string ZoneId, long Footfall, long Occupancy);

public sealed record ReportTotals(
    int Zones,
    int ZonesWithReads,
    int WarningZones,
    int CriticalZones,
    long Reads,
    long DistinctBadges,
    long Occupancy,
    long Capacity,
    long UnmappedReads,
    double MaxUtilisation)
{
    /// <summary>Sensors named in <see cref="DensityReport.SuspectSensors"/>.</summary>
    public int SuspectSensors { get; init; }

    /// <summary>Their reads left out of occupancy and footfall (and of <see cref="Reads"/>).</summary>
    public long ExcludedReads { get; init; }
}

/// <summary>How fresh the warehouse data was: the latest read loaded before the window closed, and how far before.</summary>
public sealed record DataFreshness(DateTimeOffset? LatestReadAt, TimeSpan? LagBehindWindowEnd);

/// <summary>The density report for one window: every registered zone ranked by density, the top N, severity and totals.</summary>
public sealed record DensityReport(
    ReportWindow Window,
    ReportTrigger Trigger,
    Severity Severity,
    IReadOnlyList<ZoneDensity> Zones,
    IReadOnlyList<ZoneDensity> Top,
    ZoneDensity? WorstZone,
    IReadOnlyList<UnregisteredZone> UnregisteredZones,
    ReportTotals Totals,
    DataFreshness Freshness)
{
    /// <summary>Where to send the staff on duty; null when the number on duty could not be read.</summary>
    public StaffingPlan? Staffing { get; init; }

    /// <summary>Sensors whose streams are implausible, their excess reads excluded from the counts.</summary>
    public IReadOnlyList<SuspectSensor> SuspectSensors { get; init; } = [];
}
