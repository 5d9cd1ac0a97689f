using System.Text.Json;
using System.Text.Json.Serialization;

namespace BadgeFlow.Local.Dashboard;

/// <summary>A campus zone as the page lays it out: grouped by venue and floor.</summary>
public sealed record DashboardZone
{
    [JsonPropertyName("zoneId")]
    public required string ZoneId { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("venue")]
    public required string Venue { get; init; }

    [JsonPropertyName("floor")]
    public string? Floor { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("areaSquareMetres")]
    public double AreaSquareMetres { get; init; }

    [JsonPropertyName("capacity")]
    public int Capacity { get; init; }
}

/// <summary>One zone's figures in a report window.</summary>
public sealed record DashboardZoneReading
{
    [JsonPropertyName("rank")]
    public int Rank { get; init; }

    [JsonPropertyName("zoneId")]
    public required string ZoneId { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("venue")]
    public string? Venue { get; init; }

    [JsonPropertyName("occupancy")]
    public long Occupancy { get; init; }

    [JsonPropertyName("footfall")]
    public long Footfall { get; init; }

    /// <summary>Persons per m².</summary>
    [JsonPropertyName("density")]
    public double Density { get; init; }

    /// <summary>Occupancy over rated capacity.</summary>
    [JsonPropertyName("utilisation")]
    public double Utilisation { get; init; }

    /// <summary>Fruin level of service, A to F.</summary>
    [JsonPropertyName("level")]
    public required string Level { get; init; }

    [JsonPropertyName("severity")]
    public string? Severity { get; init; }

    [JsonPropertyName("occupancyChange")]
    public long? OccupancyChange { get; init; }
}

/// <summary>A published density report, as the page shows it.</summary>
public sealed record DashboardReport
{
    [JsonPropertyName("windowStart")]
    public required DateTimeOffset WindowStart { get; init; }

    [JsonPropertyName("windowEnd")]
    public required DateTimeOffset WindowEnd { get; init; }

    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("subject")]
    public string? Subject { get; init; }

    /// <summary>Every zone with reads, densest first.</summary>
    [JsonPropertyName("zones")]
    public required IReadOnlyList<DashboardZoneReading> Zones { get; init; }

    /// <summary>The zones the report names, densest first.</summary>
    [JsonPropertyName("top")]
    public required IReadOnlyList<string> Top { get; init; }

    [JsonPropertyName("reads")]
    public long? Reads { get; init; }

    [JsonPropertyName("distinctBadges")]
    public long? DistinctBadges { get; init; }

    [JsonPropertyName("unmappedReads")]
    public long? UnmappedReads { get; init; }

    [JsonPropertyName("latestReadAt")]
    public DateTimeOffset? LatestReadAt { get; init; }

    /// <summary>Where to send the staff on duty; null when the report carries none.</summary>
    [JsonPropertyName("staffing")]
    public DashboardStaffing? Staffing { get; init; }

    /// <summary>The window's revision: 1 for its first report, n + 1 for a correction; null from an Aggregator that
    /// numbers none.</summary>
    [JsonPropertyName("revision")]
    public int? Revision { get; init; }

    /// <summary>The revision a correction supersedes; null for a first report.</summary>
    [JsonPropertyName("supersedes")]
    public int? Supersedes { get; init; }

    /// <summary>True when the Aggregator published before the data reached the window end.</summary>
    [JsonPropertyName("provisional")]
    public bool? Provisional { get; init; }

    /// <summary>When SNS accepted the Publish (the SNS service's clock, the real one in the local stack).</summary>
    [JsonPropertyName("publishedAt")]
    public DateTimeOffset? PublishedAt { get; init; }
}

/// <summary>The report's staffing block: the staff on duty and the zones to send them to, most staff first.</summary>
public sealed record DashboardStaffing
{
    [JsonPropertyName("onDuty")]
    public int OnDuty { get; init; }

    [JsonPropertyName("zones")]
    public IReadOnlyList<DashboardZoneStaff> Zones { get; init; } = [];
}

public sealed record DashboardZoneStaff
{
    [JsonPropertyName("zoneId")]
    public required string ZoneId { get; init; }

    [JsonPropertyName("staff")]
    public int Staff { get; init; }
}

/// <summary>What <c>GET /api/latest-report</c> answers: the campus, the latest window's report (null before the first).</summary>
public sealed record DashboardSnapshot
{
    [JsonPropertyName("campus")]
    public required IReadOnlyList<DashboardZone> Campus { get; init; }

    [JsonPropertyName("report")]
    public DashboardReport? Report { get; init; }

    [JsonPropertyName("reportsPublished")]
    public int ReportsPublished { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DashboardSnapshot))]
[JsonSerializable(typeof(DashboardReport))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
