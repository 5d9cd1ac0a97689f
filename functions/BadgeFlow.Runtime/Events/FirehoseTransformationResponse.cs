using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>What a Firehose data-transformation function returns: one result per input record.</summary>
public sealed class FirehoseTransformationResponse
{
    /// <summary><c>records</c>: exactly the input's record ids, each once.</summary>
    [JsonPropertyName("records")]
    public List<FirehoseTransformationResult> Records { get; init; } = [];
}

/// <summary>The outcome of one record.</summary>
public sealed class FirehoseTransformationResult
{
    /// <summary><c>recordId</c>: the input record's id.</summary>
    [JsonPropertyName("recordId")]
    public string RecordId { get; init; } = string.Empty;

    /// <summary><c>result</c>: one of <see cref="FirehoseRecordResult.Ok"/>, <see cref="FirehoseRecordResult.Dropped"/>,
    /// <see cref="FirehoseRecordResult.ProcessingFailed"/>.</summary>
    [JsonPropertyName("result")]
    public string Result { get; init; } = FirehoseRecordResult.Ok;

    /// <summary><c>data</c>: the transformed bytes, base64. Omitted when unset (a failed or dropped record).</summary>
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Data { get; init; }

    /// <summary><c>metadata</c>: partition keys for dynamic partitioning; omitted when unset.</summary>
    [JsonPropertyName("metadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FirehoseRecordMetadata? Metadata { get; init; }
}

/// <summary>The <c>result</c> values Firehose documents (exact spelling matters).</summary>
public static class FirehoseRecordResult
{
    /// <summary>The record was transformed; <c>data</c> holds the new bytes.</summary>
    public const string Ok = "Ok";

    /// <summary>The record was dropped on purpose.</summary>
    public const string Dropped = "Dropped";

    /// <summary>The record could not be transformed; Firehose sends it to the error output prefix.</summary>
    public const string ProcessingFailed = "ProcessingFailed";

    /// <summary>Whether <paramref name="result"/> is one of the three documented values, spelled exactly (Firehose treats
    /// anything else as a failed transformation of the whole batch).</summary>
    public static bool IsDocumented(string? result) => result is Ok or Dropped or ProcessingFailed;
}

/// <summary>The <c>metadata</c> of a transformed record.</summary>
public sealed class FirehoseRecordMetadata
{
    /// <summary><c>partitionKeys</c>.</summary>
    [JsonPropertyName("partitionKeys")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? PartitionKeys { get; init; }
}
