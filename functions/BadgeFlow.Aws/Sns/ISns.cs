namespace BadgeFlow.Aws.Sns;

/// <summary>The Amazon SNS operation BadgeFlow calls.</summary>
public interface ISns
{
    /// <summary>Publish; returns the MessageId.</summary>
    Task<string> PublishAsync(PublishRequest request, CancellationToken cancellationToken);
}

/// <summary>MessageStructure is "json" when Message is a JSON object of per-protocol strings.</summary>
public sealed record PublishRequest(
    string TopicArn,
    string Message,
    string? Subject,
    string? MessageStructure,
    IReadOnlyDictionary<string, MessageAttributeValue> MessageAttributes);

/// <summary>DataType is String, String.Array or Number; the value travels as StringValue.</summary>
public sealed record MessageAttributeValue(string DataType, string StringValue);
