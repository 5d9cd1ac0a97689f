using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>Source-generated (trimming- and AOT-safe) JSON metadata for every event contract.</summary>
/// <remarks>Member names come from the explicit <see cref="JsonPropertyNameAttribute"/> on each property; requests
/// keep nulls as AWS sends them, responses omit unset optional members (per-property <c>WhenWritingNull</c>).</remarks>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Default,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
[JsonSerializable(typeof(FirehoseTransformationEvent))]
[JsonSerializable(typeof(FirehoseTransformationResponse))]
[JsonSerializable(typeof(AggregatorRequest))]
[JsonSerializable(typeof(CloudFormationCustomResourceRequest))]
[JsonSerializable(typeof(CloudFormationCustomResourceResponse))]
public sealed partial class EventsJsonContext : JsonSerializerContext;
