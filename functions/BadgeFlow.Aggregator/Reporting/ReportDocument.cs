using System.Text.Json.Serialization;

namespace BadgeFlow.Aggregator.Reporting;

/// <summary>The density report as JSON, for machine subscribers (SQS, Lambda, HTTPS). Schema
/// <c>badgeflow.density-report/1</c>; documented in docs/density-report.md.</summary>
public sealed record ReportDocument(
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("window")] WindowDocument Window,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("scheduledTime")] string? ScheduledTime,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("worstZone")] ZoneDocument? WorstZone,
    [property: JsonPropertyName("totals")] TotalsDocument Totals,
    [property: JsonPropertyName("freshness")] FreshnessDocument Freshness,
    [property: JsonPropertyName("top")] IReadOnlyList<ZoneDocument> Top,
    [property: JsonPropertyName("zones")] IReadOnlyList<ZoneDocument> Zones,
    [property: JsonPropertyName("zonesOmitted")] int ZonesOmitted,
    [property: JsonPropertyName("unregisteredZones")] IReadOnlyList<UnregisteredZoneDocument> UnregisteredZones,
    [property: JsonPropertyName("unregisteredZonesOmitted")] int UnregisteredZonesOmitted)
{
    /// <summary>Whether the data reached the window end (docs/density-report.md, "Completeness"); absent when the
    /// Aggregator did not check.</summary>
    [JsonPropertyName("completeness")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CompletenessDocument? Completeness { get; init; }

    /// <summary>1 for a window's first report, n + 1 for a correction (docs/density-report.md, "Corrections"); absent
    /// from documents rendered outside the Aggregator's run (tools).</summary>
    [JsonPropertyName("revision")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Revision { get; init; }

    /// <summary>SHA-256 of the warehouse figures the report was built from: equal digests, equal figures.</summary>
    [JsonPropertyName("figuresDigest")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FiguresDigest { get; init; }

    /// <summary>The revision a correction replaces; absent for a first report.</summary>
    [JsonPropertyName("supersedes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SupersedesDocument? Supersedes { get; init; }

    /// <summary>What a correction changed against the revision it supersedes; absent for a first report.</summary>
    [JsonPropertyName("correction")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CorrectionDocument? Correction { get; init; }
    /// <summary>Sensors with implausible streams, their excess reads left out of the counts (docs/density-report.md
    /// "Implausible streams"); at most <see cref="ReportMessageComposer.MaxSuspectsListed"/>, all counted in totals.</summary>
    [JsonPropertyName("suspectSensors")]
    public IReadOnlyList<SuspectSensorDocument> SuspectSensors { get; init; } = [];

    /// <summary>Absent when the staff on duty could not be read (the log says why).</summary>
    [JsonPropertyName("staffing")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StaffingDocument? Staffing { get; init; }
}

/// <summary><c>provisional</c> is true when the report was counted before the warehouse's watermark (latest
/// <c>received_at</c> loaded) reached the window end; <c>missingReadsEstimate</c> is then the window's loaded reads
/// extrapolated over the part the data does not reach.</summary>
public sealed record CompletenessDocument(
    [property: JsonPropertyName("provisional")] bool Provisional,
    [property: JsonPropertyName("watermark")] string? Watermark,
    [property: JsonPropertyName("dataLagSeconds")] double? DataLagSeconds,
    [property: JsonPropertyName("missingReadsEstimate")] long? MissingReadsEstimate);

/// <summary>A revision of the same window, identified by its number (with the window) and its figures digest; the SNS
/// message id it was published under.</summary>
public sealed record SupersedesDocument(
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("figuresDigest")] string FiguresDigest,
    [property: JsonPropertyName("messageId")] string MessageId);

/// <summary>A correction's change: reads counted before and after, the report's severity and worst zone before and
/// after, and the zones whose severity changed (<c>zonesChangedCount</c> of them, at most 100 listed).</summary>
public sealed record CorrectionDocument(
    [property: JsonPropertyName("readsBefore")] long ReadsBefore,
    [property: JsonPropertyName("readsAfter")] long ReadsAfter,
    [property: JsonPropertyName("severityBefore")] string SeverityBefore,
    [property: JsonPropertyName("severityAfter")] string SeverityAfter,
    [property: JsonPropertyName("worstZoneBefore")] string WorstZoneBefore,
    [property: JsonPropertyName("worstZoneAfter")] string WorstZoneAfter,
    [property: JsonPropertyName("zonesChangedCount")] int ZonesChangedCount,
    [property: JsonPropertyName("zonesChanged")] IReadOnlyList<ZoneChangeDocument> ZonesChanged);

public sealed record ZoneChangeDocument(
    [property: JsonPropertyName("zoneId")] string ZoneId,
    [property: JsonPropertyName("before")] string Before,
    [property: JsonPropertyName("after")] string After);

/// <summary>Where to send the staff on duty: zones with at least one, most staff first; the staff add up to onDuty.</summary>
public sealed record StaffingDocument(
    [property: JsonPropertyName("onDuty")] int OnDuty,
    [property: JsonPropertyName("zones")] IReadOnlyList<ZoneStaffDocument> Zones);

public sealed record ZoneStaffDocument(
    [property: JsonPropertyName("zoneId")] string ZoneId,
    [property: JsonPropertyName("staff")] int Staff);

public sealed record WindowDocument(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("minutes")] int Minutes);

public sealed record ZoneDocument(
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("zoneId")] string ZoneId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("venue")] string Venue,
    [property: JsonPropertyName("areaSquareMetres")] double AreaSquareMetres,
    [property: JsonPropertyName("capacity")] int Capacity,
    [property: JsonPropertyName("footfall")] long Footfall,
    [property: JsonPropertyName("occupancy")] long Occupancy,
    [property: JsonPropertyName("density")] double Density,
    [property: JsonPropertyName("utilisation")] double Utilisation,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("previousFootfall")] long PreviousFootfall,
    [property: JsonPropertyName("previousOccupancy")] long PreviousOccupancy,
    [property: JsonPropertyName("previousDensity")] double PreviousDensity,
    [property: JsonPropertyName("previousLevel")] string PreviousLevel,
    [property: JsonPropertyName("occupancyChange")] long OccupancyChange,
    [property: JsonPropertyName("densityChange")] double DensityChange);

public sealed record TotalsDocument(
    [property: JsonPropertyName("zones")] int Zones,
    [property: JsonPropertyName("zonesWithReads")] int ZonesWithReads,
    [property: JsonPropertyName("warningZones")] int WarningZones,
    [property: JsonPropertyName("criticalZones")] int CriticalZones,
    [property: JsonPropertyName("reads")] long Reads,
    [property: JsonPropertyName("distinctBadges")] long DistinctBadges,
    [property: JsonPropertyName("occupancy")] long Occupancy,
    [property: JsonPropertyName("capacity")] long Capacity,
    [property: JsonPropertyName("unmappedReads")] long UnmappedReads,
    [property: JsonPropertyName("maxUtilisation")] double MaxUtilisation)
{
    [JsonPropertyName("suspectSensors")]
    public int SuspectSensors { get; init; }

    [JsonPropertyName("excludedReads")]
    public long ExcludedReads { get; init; }
}

/// <summary>A suspect sensor: <c>reason</c> <c>rate</c> or <c>two-venues</c>.</summary>
public sealed record SuspectSensorDocument(
    [property: JsonPropertyName("sensorId")] string SensorId,
    [property: JsonPropertyName("zoneId")] string ZoneId,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("excludedReads")] long ExcludedReads,
    [property: JsonPropertyName("peakBadgesPerMinute")] long PeakBadgesPerMinute,
    [property: JsonPropertyName("badgesPerMinuteBound")] long BadgesPerMinuteBound,
    [property: JsonPropertyName("impossibleBadges")] long ImpossibleBadges);

public sealed record FreshnessDocument(
    [property: JsonPropertyName("latestReadAt")] string? LatestReadAt,
    [property: JsonPropertyName("lagSeconds")] double? LagSeconds);

public sealed record UnregisteredZoneDocument(
    [property: JsonPropertyName("zoneId")] string ZoneId,
    [property: JsonPropertyName("footfall")] long Footfall,
    [property: JsonPropertyName("occupancy")] long Occupancy);

/// <summary>The Aggregator's invocation result (visible in `sam local invoke` and the Lambda console).</summary>
public sealed record AggregatorResponse(
    [property: JsonPropertyName("windowStart")] string WindowStart,
    [property: JsonPropertyName("windowEnd")] string WindowEnd,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("worstZone")] string? WorstZone,
    [property: JsonPropertyName("zones")] int Zones,
    [property: JsonPropertyName("zonesInMessage")] int ZonesInMessage,
    [property: JsonPropertyName("messageBytes")] int MessageBytes,
    [property: JsonPropertyName("messageId")] string MessageId)
{
    /// <summary>The window's revision now published; null when nothing was (an unchanged rerun: <c>messageId</c> is then
    /// the latest revision's).</summary>
    [JsonPropertyName("revision")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Revision { get; init; }

    /// <summary>Whether this run published the window's report (false: its figures were unchanged).</summary>
    [JsonPropertyName("published")]
    public bool Published { get; init; } = true;

    /// <summary>Corrections of earlier windows this run published.</summary>
    [JsonPropertyName("corrections")]
    public int Corrections { get; init; }

    /// <summary>False for a provisional report; null when the Aggregator did not check completeness.</summary>
    [JsonPropertyName("complete")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Complete { get; init; }
}

/// <summary>The SNS <c>MessageStructure=json</c> envelope: one string per protocol, <c>default</c> required.</summary>
public sealed record SnsMessageStructure(
    [property: JsonPropertyName("default")] string Default,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("sms")] string Sms,
    [property: JsonPropertyName("sqs")] string Sqs,
    [property: JsonPropertyName("lambda")] string Lambda,
    [property: JsonPropertyName("https")] string Https);

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ReportDocument))]
[JsonSerializable(typeof(AggregatorResponse))]
[JsonSerializable(typeof(SnsMessageStructure))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
