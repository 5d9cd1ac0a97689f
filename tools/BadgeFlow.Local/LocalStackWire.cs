using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local;

/// <summary>The CloudFormation custom resource request the stack sends the Schema function.</summary>
public sealed record CustomResourceRequest(
    [property: JsonPropertyName("RequestType")] string RequestType,
    [property: JsonPropertyName("ServiceToken")] string ServiceToken,
    [property: JsonPropertyName("ResponseURL")] string ResponseUrl,
    [property: JsonPropertyName("StackId")] string StackId,
    [property: JsonPropertyName("RequestId")] string RequestId,
    [property: JsonPropertyName("LogicalResourceId")] string LogicalResourceId,
    [property: JsonPropertyName("ResourceType")] string ResourceType,
    [property: JsonPropertyName("ResourceProperties")] IReadOnlyDictionary<string, string> ResourceProperties);

/// <summary>What the function PUTs to the response URL (the members the stack checks).</summary>
public sealed record CustomResourceAnswer(
    [property: JsonPropertyName("Status")] string? Status,
    [property: JsonPropertyName("Reason")] string? Reason,
    [property: JsonPropertyName("PhysicalResourceId")] string? PhysicalResourceId);

[JsonSerializable(typeof(CustomResourceRequest))]
[JsonSerializable(typeof(CustomResourceAnswer))]
internal sealed partial class LocalStackJsonContext : JsonSerializerContext;

/// <summary>Prints SNS email/sms deliveries through the stack's logger when no console writer was given.</summary>
internal sealed partial class LoggerTextWriter(ILogger logger) : TextWriter
{
    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void WriteLine(string? value) => LogLine(logger, value ?? string.Empty);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger logger, string line);
}
