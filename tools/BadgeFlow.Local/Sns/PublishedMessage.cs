using System.Text.Json;

namespace BadgeFlow.Local.Sns;

/// <summary>A message attribute as Publish received it (Binary values stay base64).</summary>
public sealed record SnsAttribute(string DataType, string Value);

/// <summary>One accepted Publish. <see cref="Message"/> is the request's value as sent; <see cref="MessageFor"/> gives
/// what a subscriber of a protocol receives.</summary>
public sealed record PublishedMessage(
    string TopicArn,
    string MessageId,
    string? Subject,
    string Message,
    string? MessageStructure,
    IReadOnlyDictionary<string, SnsAttribute> Attributes,
    DateTimeOffset PublishedAt)
{
    /// <summary>With <c>MessageStructure=json</c>, the protocol's entry or else <c>default</c>; otherwise the message.</summary>
    public string MessageFor(string protocol)
    {
        if (MessageStructure != "json")
        {
            return Message;
        }

        using var document = JsonDocument.Parse(Message);
        return document.RootElement.TryGetProperty(protocol, out var specific) && specific.ValueKind == JsonValueKind.String
            ? specific.GetString()!
            : document.RootElement.GetProperty("default").GetString()!;
    }
}

/// <summary>One subscription of a topic.</summary>
public sealed record SnsSubscription(string SubscriptionArn, string TopicArn, string Protocol, string Endpoint, string Owner);
