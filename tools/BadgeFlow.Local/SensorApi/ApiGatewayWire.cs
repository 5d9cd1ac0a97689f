using System.Text.Json.Serialization;

namespace BadgeFlow.Local.SensorApi;

// API Gateway REST API Lambda proxy integration, payload format 1.0.

public sealed record ProxyRequest(
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("httpMethod")] string HttpMethod,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("multiValueHeaders")] IReadOnlyDictionary<string, IReadOnlyList<string>> MultiValueHeaders,
    [property: JsonPropertyName("queryStringParameters")] IReadOnlyDictionary<string, string>? QueryStringParameters,
    [property: JsonPropertyName("multiValueQueryStringParameters")] IReadOnlyDictionary<string, IReadOnlyList<string>>? MultiValueQueryStringParameters,
    [property: JsonPropertyName("pathParameters")] IReadOnlyDictionary<string, string>? PathParameters,
    [property: JsonPropertyName("stageVariables")] IReadOnlyDictionary<string, string>? StageVariables,
    [property: JsonPropertyName("requestContext")] ProxyRequestContext RequestContext,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("isBase64Encoded")] bool IsBase64Encoded);

public sealed record ProxyRequestContext(
    [property: JsonPropertyName("accountId")] string AccountId,
    [property: JsonPropertyName("apiId")] string ApiId,
    [property: JsonPropertyName("domainName")] string DomainName,
    [property: JsonPropertyName("domainPrefix")] string DomainPrefix,
    [property: JsonPropertyName("extendedRequestId")] string ExtendedRequestId,
    [property: JsonPropertyName("httpMethod")] string HttpMethod,
    [property: JsonPropertyName("identity")] ProxyIdentity Identity,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("protocol")] string Protocol,
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("requestTime")] string RequestTime,
    [property: JsonPropertyName("requestTimeEpoch")] long RequestTimeEpoch,
    [property: JsonPropertyName("resourceId")] string ResourceId,
    [property: JsonPropertyName("resourcePath")] string ResourcePath,
    [property: JsonPropertyName("stage")] string Stage);

public sealed record ProxyIdentity(
    [property: JsonPropertyName("accessKey")] string? AccessKey,
    [property: JsonPropertyName("accountId")] string? AccountId,
    [property: JsonPropertyName("apiKey")] string? ApiKey,
    [property: JsonPropertyName("apiKeyId")] string? ApiKeyId,
    [property: JsonPropertyName("caller")] string? Caller,
    [property: JsonPropertyName("cognitoAuthenticationProvider")] string? CognitoAuthenticationProvider,
    [property: JsonPropertyName("cognitoAuthenticationType")] string? CognitoAuthenticationType,
    [property: JsonPropertyName("cognitoIdentityId")] string? CognitoIdentityId,
    [property: JsonPropertyName("cognitoIdentityPoolId")] string? CognitoIdentityPoolId,
    [property: JsonPropertyName("principalOrgId")] string? PrincipalOrgId,
    [property: JsonPropertyName("sourceIp")] string SourceIp,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("userAgent")] string? UserAgent,
    [property: JsonPropertyName("userArn")] string? UserArn);

public sealed record ProxyResponse(
    [property: JsonPropertyName("statusCode")] int? StatusCode,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string>? Headers,
    [property: JsonPropertyName("multiValueHeaders")] IReadOnlyDictionary<string, IReadOnlyList<string>>? MultiValueHeaders,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("isBase64Encoded")] bool? IsBase64Encoded);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ProxyRequest))]
[JsonSerializable(typeof(ProxyResponse))]
internal sealed partial class ApiGatewayJsonContext : JsonSerializerContext;
