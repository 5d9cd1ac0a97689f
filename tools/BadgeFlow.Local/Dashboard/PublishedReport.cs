using System.Text.Json;
using System.Text.Json.Serialization;

namespace BadgeFlow.Local.Dashboard;

/// <summary>
/// Reads a density report as the Aggregator publishes it for machine subscribers (the <c>sqs</c>/<c>https</c> entry of its
/// <c>MessageStructure=json</c> message) into what the dashboard shows.
/// </summary>
public static class PublishedReport
{
    /// <summary>The report in <paramref name="json"/>, or null when the message is not a density report.</summary>
    public static DashboardReport? Read(string json, string? subject)
    {
        ArgumentNullException.ThrowIfNull(json);
        ReportMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(json, PublishedReportJsonContext.Default.ReportMessage);
        }
        catch (JsonException)
        {
            return null;
        }

        if (message?.Window is not { } window || message.Zones is null)
        {
            return null;
        }

        // The published zone objects carry the page's zone fields under the same names, so they are read as is.
        var zones = message.Zones;
        var top = (message.Top ?? message.Zones.Take(10).ToArray()).Select(z => z.ZoneId).ToArray();
        return new DashboardReport
        {
            WindowStart = window.Start,
            WindowEnd = window.End,
            Severity = message.Severity ?? "INFO",
            Subject = subject,
            Zones = zones,
            Top = top,
            Reads = message.Totals?.Reads,
            DistinctBadges = message.Totals?.DistinctBadges,
            UnmappedReads = message.Totals?.UnmappedReads,
            LatestReadAt = message.Freshness?.LatestReadAt,
            Staffing = message.Staffing,
            Revision = message.Revision,
            Supersedes = message.Supersedes?.Revision,
            Provisional = message.Completeness?.Provisional,
        };
    }

    internal sealed record ReportMessage
    {
        [JsonPropertyName("window")]
        public WindowPart? Window { get; init; }

        [JsonPropertyName("severity")]
        public string? Severity { get; init; }

        [JsonPropertyName("zones")]
        public IReadOnlyList<DashboardZoneReading>? Zones { get; init; }

        [JsonPropertyName("top")]
        public IReadOnlyList<DashboardZoneReading>? Top { get; init; }

        [JsonPropertyName("totals")]
        public TotalsPart? Totals { get; init; }

        [JsonPropertyName("freshness")]
        public FreshnessPart? Freshness { get; init; }

        // The published block has the page's shape, so it is read as is.
        [JsonPropertyName("staffing")]
        public DashboardStaffing? Staffing { get; init; }

        [JsonPropertyName("revision")]
        public int? Revision { get; init; }

        [JsonPropertyName("supersedes")]
        public SupersedesPart? Supersedes { get; init; }

        [JsonPropertyName("completeness")]
        public CompletenessPart? Completeness { get; init; }
    }

    internal sealed record SupersedesPart
    {
        [JsonPropertyName("revision")]
        public int Revision { get; init; }
    }

    internal sealed record CompletenessPart
    {
        [JsonPropertyName("provisional")]
        public bool Provisional { get; init; }
    }

    internal sealed record WindowPart
    {
        [JsonPropertyName("start")]
        public DateTimeOffset Start { get; init; }

        [JsonPropertyName("end")]
        public DateTimeOffset End { get; init; }
    }

    internal sealed record TotalsPart
    {
        [JsonPropertyName("reads")]
        public long? Reads { get; init; }

        [JsonPropertyName("distinctBadges")]
        public long? DistinctBadges { get; init; }

        [JsonPropertyName("unmappedReads")]
        public long? UnmappedReads { get; init; }
    }

    internal sealed record FreshnessPart
    {
        [JsonPropertyName("latestReadAt")]
        public DateTimeOffset? LatestReadAt { get; init; }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublishedReport.ReportMessage))]
internal sealed partial class PublishedReportJsonContext : JsonSerializerContext;
