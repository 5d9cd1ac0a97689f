using System.Text.Json;
using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>
/// The event Amazon Data Firehose sends a data-transformation function: a batch of records, each with base64 data.
/// </summary>
public sealed class FirehoseTransformationEvent
{
    /// <summary><c>invocationId</c>.</summary>
    [JsonPropertyName("invocationId")]
    public string? InvocationId { get; init; }

    /// <summary><c>deliveryStreamArn</c>.</summary>
    [JsonPropertyName("deliveryStreamArn")]
    public string? DeliveryStreamArn { get; init; }

    /// <summary><c>sourceKinesisStreamArn</c>: present when the stream reads from a Kinesis data stream.</summary>
    [JsonPropertyName("sourceKinesisStreamArn")]
    public string? SourceKinesisStreamArn { get; init; }

    /// <summary><c>region</c>.</summary>
    [JsonPropertyName("region")]
    public string? Region { get; init; }

    /// <summary><c>records</c>: every one must come back in the response, once, with the same <c>recordId</c>.</summary>
    [JsonPropertyName("records")]
    public List<FirehoseTransformationRecord> Records { get; init; } = [];

    /// <summary>Members not modelled above, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>One record of a <see cref="FirehoseTransformationEvent"/>.</summary>
public sealed class FirehoseTransformationRecord
{
    /// <summary><c>recordId</c>.</summary>
    [JsonPropertyName("recordId")]
    public string RecordId { get; init; } = string.Empty;

    /// <summary><c>approximateArrivalTimestamp</c>: when Firehose received the record, Unix milliseconds (an ISO 8601
    /// string, as some fixtures hold, is accepted too).</summary>
    [JsonPropertyName("approximateArrivalTimestamp")]
    [JsonConverter(typeof(EpochMillisecondsConverter))]
    public long ApproximateArrivalTimestamp { get; init; }

    /// <summary><c>data</c>: the record's bytes, base64. Kept as text so that a corrupt record fails alone
    /// (<c>ProcessingFailed</c>) instead of failing the whole batch's deserialization.</summary>
    [JsonPropertyName("data")]
    public string Data { get; init; } = string.Empty;

    /// <summary><c>kinesisRecordMetadata</c>: present when the source is a Kinesis data stream.</summary>
    [JsonPropertyName("kinesisRecordMetadata")]
    public FirehoseKinesisRecordMetadata? KinesisRecordMetadata { get; init; }

    /// <summary>Members not modelled above, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary><see cref="ApproximateArrivalTimestamp"/> as a time.</summary>
    [JsonIgnore]
    public DateTimeOffset ApproximateArrivalTime => DateTimeOffset.FromUnixTimeMilliseconds(ApproximateArrivalTimestamp);
}

/// <summary>Kinesis metadata of a record read from a Kinesis data stream.</summary>
public sealed class FirehoseKinesisRecordMetadata
{
    /// <summary><c>shardId</c>.</summary>
    [JsonPropertyName("shardId")]
    public string? ShardId { get; init; }

    /// <summary><c>partitionKey</c>.</summary>
    [JsonPropertyName("partitionKey")]
    public string? PartitionKey { get; init; }

    /// <summary><c>approximateArrivalTimestamp</c>, Unix milliseconds (ISO 8601 strings accepted).</summary>
    [JsonPropertyName("approximateArrivalTimestamp")]
    [JsonConverter(typeof(NullableEpochMillisecondsConverter))]
    public long? ApproximateArrivalTimestamp { get; init; }

    /// <summary><c>sequenceNumber</c>.</summary>
    [JsonPropertyName("sequenceNumber")]
    public string? SequenceNumber { get; init; }

    /// <summary><c>subsequenceNumber</c>: a number in some sources and a string in others (PROVENANCE.md); both are
    /// read as text, an empty string as null.</summary>
    [JsonPropertyName("subsequenceNumber")]
    [JsonConverter(typeof(NumberOrStringConverter))]
    public string? SubsequenceNumber { get; init; }
}
