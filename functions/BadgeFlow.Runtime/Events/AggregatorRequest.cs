using System.Text.Json;
using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>
/// The Aggregator's input. EventBridge Scheduler sends the template's input, <c>{"scheduledTime": "…"}</c>; a backfill
/// sends <c>{"windowStart": "…"}</c>; an EventBridge rule sends its Scheduled Event envelope, whose <c>time</c> serves
/// as the scheduled time.
/// </summary>
public sealed class AggregatorRequest
{
    /// <summary><c>scheduledTime</c>: from <c>&lt;aws.scheduler.scheduled-time&gt;</c>.</summary>
    [JsonPropertyName("scheduledTime")]
    public DateTimeOffset? ScheduledTime { get; init; }

    /// <summary><c>windowStart</c>: report exactly this window (backfill).</summary>
    [JsonPropertyName("windowStart")]
    public DateTimeOffset? WindowStart { get; init; }

    /// <summary><c>version</c> of a Scheduled Event ("0").</summary>
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    /// <summary><c>id</c> of a Scheduled Event.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary><c>detail-type</c> of a Scheduled Event ("Scheduled Event").</summary>
    [JsonPropertyName("detail-type")]
    public string? DetailType { get; init; }

    /// <summary><c>source</c> of a Scheduled Event ("aws.events").</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    /// <summary><c>account</c> of a Scheduled Event.</summary>
    [JsonPropertyName("account")]
    public string? Account { get; init; }

    /// <summary><c>time</c> of a Scheduled Event: when the rule fired.</summary>
    [JsonPropertyName("time")]
    public DateTimeOffset? Time { get; init; }

    /// <summary><c>region</c> of a Scheduled Event.</summary>
    [JsonPropertyName("region")]
    public string? Region { get; init; }

    /// <summary><c>resources</c> of a Scheduled Event: the rule's ARN.</summary>
    [JsonPropertyName("resources")]
    public List<string>? Resources { get; init; }

    /// <summary><c>detail</c> of a Scheduled Event (empty for schedules).</summary>
    [JsonPropertyName("detail")]
    public JsonElement? Detail { get; init; }

    /// <summary>The scheduled time whichever way the schedule sent it: <see cref="ScheduledTime"/>, else the Scheduled
    /// Event's <see cref="Time"/>; <see langword="null"/> for a backfill or an empty input.</summary>
    [JsonIgnore]
    public DateTimeOffset? EffectiveScheduledTime => ScheduledTime ?? Time;
}
