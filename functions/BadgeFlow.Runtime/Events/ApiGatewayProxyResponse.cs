using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>
/// What a REST proxy integration returns (payload format 1.0). Unset members are omitted from the JSON, as in AWS's
/// documented shape where everything but <c>statusCode</c> is optional.
/// </summary>
public sealed class ApiGatewayProxyResponse
{
    /// <summary><c>statusCode</c>.</summary>
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; init; }

    /// <summary><c>headers</c>: single-valued response headers.</summary>
    [JsonPropertyName("headers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary><c>multiValueHeaders</c>: headers with several values (e.g. <c>Set-Cookie</c>). API Gateway merges them
    /// with <see cref="Headers"/>.</summary>
    [JsonPropertyName("multiValueHeaders")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, List<string>>? MultiValueHeaders { get; init; }

    /// <summary><c>body</c>: text, or base64 when <see cref="IsBase64Encoded"/> is true.</summary>
    [JsonPropertyName("body")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; init; }

    /// <summary><c>isBase64Encoded</c>; omitted when unset (API Gateway then treats the body as text).</summary>
    [JsonPropertyName("isBase64Encoded")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IsBase64Encoded { get; init; }
}
