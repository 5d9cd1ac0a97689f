using System.Text.Json.Serialization;

namespace BadgeFlow.Local.Sns;

/// <summary>The JSON notification envelope SNS POSTs to http/https endpoints (and that file subscriptions append).</summary>
public sealed record SnsNotification(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("MessageId")] string MessageId,
    [property: JsonPropertyName("TopicArn")] string TopicArn,
    [property: JsonPropertyName("Subject")] string? Subject,
    [property: JsonPropertyName("Message")] string Message,
    [property: JsonPropertyName("Timestamp")] string Timestamp,
    [property: JsonPropertyName("SignatureVersion")] string SignatureVersion,
    [property: JsonPropertyName("Signature")] string Signature,
    [property: JsonPropertyName("SigningCertURL")] string SigningCertUrl,
    [property: JsonPropertyName("UnsubscribeURL")] string UnsubscribeUrl,
    [property: JsonPropertyName("MessageAttributes")] IReadOnlyDictionary<string, SnsNotificationAttribute>? MessageAttributes);

public sealed record SnsNotificationAttribute(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("Value")] string Value);

/// <summary>The event Lambda receives from an SNS subscription.</summary>
public sealed record SnsLambdaEvent([property: JsonPropertyName("Records")] IReadOnlyList<SnsLambdaRecord> Records);

public sealed record SnsLambdaRecord(
    [property: JsonPropertyName("EventSource")] string EventSource,
    [property: JsonPropertyName("EventVersion")] string EventVersion,
    [property: JsonPropertyName("EventSubscriptionArn")] string EventSubscriptionArn,
    [property: JsonPropertyName("Sns")] SnsLambdaMessage Sns);

public sealed record SnsLambdaMessage(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("MessageId")] string MessageId,
    [property: JsonPropertyName("TopicArn")] string TopicArn,
    [property: JsonPropertyName("Subject")] string? Subject,
    [property: JsonPropertyName("Message")] string Message,
    [property: JsonPropertyName("Timestamp")] string Timestamp,
    [property: JsonPropertyName("SignatureVersion")] string SignatureVersion,
    [property: JsonPropertyName("Signature")] string Signature,
    [property: JsonPropertyName("SigningCertUrl")] string SigningCertUrl,
    [property: JsonPropertyName("UnsubscribeUrl")] string UnsubscribeUrl,
    [property: JsonPropertyName("MessageAttributes")] IReadOnlyDictionary<string, SnsNotificationAttribute> MessageAttributes);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SnsNotification))]
[JsonSerializable(typeof(SnsLambdaEvent))]
internal sealed partial class SnsJsonContext : JsonSerializerContext;
