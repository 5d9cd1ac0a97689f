using System.Text.Json.Serialization;

namespace BadgeFlow.Local.Simulator;

/// <summary>A read the API names in its answer, by 0-based position in the request.</summary>
public sealed record ReadVerdict
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}

/// <summary>
/// The API's answer to <c>POST /reads</c> (docs/producer-api.md): the 200/207 body, and the read accounting carried as
/// extension members of its 400 (no valid read) and 503 (nothing delivered) problem documents. Every read of the request
/// is in exactly one of the three lists.
/// </summary>
public sealed record ReadsResponse
{
    [JsonPropertyName("received")]
    public int? Received { get; init; }

    /// <summary>Taken by Firehose: never send again.</summary>
    [JsonPropertyName("acceptedReads")]
    public IReadOnlyList<ReadVerdict>? AcceptedReads { get; init; }

    /// <summary>Invalid: sending them again would fail again.</summary>
    [JsonPropertyName("rejectedReads")]
    public IReadOnlyList<ReadVerdict>? RejectedReads { get; init; }

    /// <summary>Valid, but Firehose did not take them in time: send them again unchanged.</summary>
    [JsonPropertyName("failedReads")]
    public IReadOnlyList<ReadVerdict>? FailedReads { get; init; }

    /// <summary>Problem documents: what went wrong with the request as a whole.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireReadBatch))]
[JsonSerializable(typeof(ReadsResponse))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext;
