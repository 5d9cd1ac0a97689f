using System.Text.Json.Serialization;

namespace BadgeFlow.Producer;

/// <summary>The answer to <c>POST /reads</c> when at least one read reached Firehose (200, 207), and the extension
/// members of the problem documents (400 no valid read, 503 nothing delivered). Every read of the request appears in
/// exactly one of the three lists, by its 0-based index. See docs/producer-api.md.</summary>
public sealed class ReadsResponse
{
    [JsonPropertyName("received")]
    public int Received { get; init; }

    [JsonPropertyName("accepted")]
    public int Accepted { get; init; }

    [JsonPropertyName("rejected")]
    public int Rejected { get; init; }

    [JsonPropertyName("failed")]
    public int Failed { get; init; }

    [JsonPropertyName("acceptedReads")]
    public required IReadOnlyList<AcceptedRead> AcceptedReads { get; init; }

    [JsonPropertyName("rejectedReads")]
    public required IReadOnlyList<RejectedRead> RejectedReads { get; init; }

    [JsonPropertyName("failedReads")]
    public required IReadOnlyList<FailedRead> FailedReads { get; init; }
}

/// <summary>A read Firehose took: resending it would create a duplicate (the warehouse dedupes on readId).</summary>
public sealed record AcceptedRead(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("readId")] string ReadId);

/// <summary>A read refused by validation: fix it before sending it again.</summary>
public sealed record RejectedRead(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>A valid read Firehose did not take within the retries and time allowed: send it again unchanged.</summary>
public sealed record FailedRead(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("readId")] string ReadId,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>), with the read accounting as extension members
/// when the request got as far as validation.</summary>
public sealed class ProblemDetails
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("status")]
    public int Status { get; init; }

    [JsonPropertyName("detail")]
    public required string Detail { get; init; }

    /// <summary>1-based line of the body where a malformed body went wrong, when known.</summary>
    [JsonPropertyName("line")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Line { get; init; }

    [JsonPropertyName("received")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Received { get; init; }

    [JsonPropertyName("rejectedReads")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RejectedRead>? RejectedReads { get; init; }

    [JsonPropertyName("failedReads")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FailedRead>? FailedReads { get; init; }
}

[JsonSerializable(typeof(ReadsResponse))]
[JsonSerializable(typeof(ProblemDetails))]
public sealed partial class ProducerJsonContext : JsonSerializerContext;
