using System.Text.Json;
using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>
/// An API Gateway REST API proxy integration event (payload format 1.0), as Lambda receives it. Members API Gateway
/// sends that are not modelled here are kept in <see cref="AdditionalProperties"/>, so nothing is lost.
/// </summary>
public sealed class ApiGatewayProxyRequest
{
    /// <summary><c>version</c>: "1.0" when an HTTP API sends payload 1.0; absent from REST APIs.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    /// <summary><c>resource</c>: the resource path template, e.g. <c>/reads</c> or <c>/{proxy+}</c>.</summary>
    [JsonPropertyName("resource")]
    public string? Resource { get; init; }

    /// <summary><c>path</c>: the request path.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary><c>httpMethod</c>.</summary>
    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; init; }

    /// <summary><c>headers</c>: last value of each header, names as the client sent them (use <see cref="GetHeader"/>).</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary><c>multiValueHeaders</c>: every value of each header.</summary>
    [JsonPropertyName("multiValueHeaders")]
    public Dictionary<string, List<string>>? MultiValueHeaders { get; init; }

    /// <summary><c>queryStringParameters</c>: last value of each query parameter.</summary>
    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; init; }

    /// <summary><c>multiValueQueryStringParameters</c>.</summary>
    [JsonPropertyName("multiValueQueryStringParameters")]
    public Dictionary<string, List<string>>? MultiValueQueryStringParameters { get; init; }

    /// <summary><c>pathParameters</c>.</summary>
    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; init; }

    /// <summary><c>stageVariables</c>.</summary>
    [JsonPropertyName("stageVariables")]
    public Dictionary<string, string>? StageVariables { get; init; }

    /// <summary><c>requestContext</c>: who called, through which stage, with which API key.</summary>
    [JsonPropertyName("requestContext")]
    public ApiGatewayProxyRequestContext? RequestContext { get; init; }

    /// <summary><c>body</c>: the request body, base64 when <see cref="IsBase64Encoded"/>.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary><c>isBase64Encoded</c>: whether <see cref="Body"/> is base64 (binary media types).</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; init; }

    /// <summary>Members not modelled above, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>A header's value, matching the name without regard to case (HTTP header names are case-insensitive,
    /// and API Gateway keeps the client's spelling). Multiple values are joined with ", ".</summary>
    public string? GetHeader(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (MultiValueHeaders is not null)
        {
            foreach (var (key, values) in MultiValueHeaders)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && values is { Count: > 0 })
                {
                    return values.Count == 1 ? values[0] : string.Join(", ", values);
                }
            }
        }

        if (Headers is not null)
        {
            foreach (var (key, value) in Headers)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
        }

        return null;
    }
}

/// <summary>The <c>requestContext</c> of a REST proxy event.</summary>
public sealed class ApiGatewayProxyRequestContext
{
    /// <summary><c>accountId</c>: the API owner's account.</summary>
    [JsonPropertyName("accountId")]
    public string? AccountId { get; init; }

    /// <summary><c>apiId</c>.</summary>
    [JsonPropertyName("apiId")]
    public string? ApiId { get; init; }

    /// <summary><c>resourceId</c>.</summary>
    [JsonPropertyName("resourceId")]
    public string? ResourceId { get; init; }

    /// <summary><c>resourcePath</c>.</summary>
    [JsonPropertyName("resourcePath")]
    public string? ResourcePath { get; init; }

    /// <summary><c>httpMethod</c>.</summary>
    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; init; }

    /// <summary><c>stage</c>.</summary>
    [JsonPropertyName("stage")]
    public string? Stage { get; init; }

    /// <summary><c>requestId</c>: API Gateway's id of the request (returned to clients, useful in logs).</summary>
    [JsonPropertyName("requestId")]
    public string? RequestId { get; init; }

    /// <summary><c>extendedRequestId</c>.</summary>
    [JsonPropertyName("extendedRequestId")]
    public string? ExtendedRequestId { get; init; }

    /// <summary><c>path</c>: the path including the stage.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary><c>protocol</c>, e.g. HTTP/1.1.</summary>
    [JsonPropertyName("protocol")]
    public string? Protocol { get; init; }

    /// <summary><c>domainName</c>.</summary>
    [JsonPropertyName("domainName")]
    public string? DomainName { get; init; }

    /// <summary><c>domainPrefix</c>.</summary>
    [JsonPropertyName("domainPrefix")]
    public string? DomainPrefix { get; init; }

    /// <summary><c>requestTime</c>, CLF format (<c>10/Mar/2020:00:03:59 +0000</c>).</summary>
    [JsonPropertyName("requestTime")]
    public string? RequestTime { get; init; }

    /// <summary><c>requestTimeEpoch</c>: when API Gateway received the request, Unix milliseconds.</summary>
    [JsonPropertyName("requestTimeEpoch")]
    public long? RequestTimeEpoch { get; init; }

    /// <summary><c>identity</c>: the caller.</summary>
    [JsonPropertyName("identity")]
    public ApiGatewayRequestIdentity? Identity { get; init; }

    /// <summary><c>authorizer</c>: what an authorizer returned (values of any JSON type).</summary>
    [JsonPropertyName("authorizer")]
    public Dictionary<string, JsonElement>? Authorizer { get; init; }

    /// <summary>Members not modelled above, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>The <c>requestContext.identity</c> of a REST proxy event.</summary>
public sealed class ApiGatewayRequestIdentity
{
    /// <summary><c>sourceIp</c>: the client's address as API Gateway saw it.</summary>
    [JsonPropertyName("sourceIp")]
    public string? SourceIp { get; init; }

    /// <summary><c>apiKey</c>: the API key the client presented (REST APIs with a usage plan). Secret: never log it.</summary>
    [JsonPropertyName("apiKey")]
    public string? ApiKey { get; init; }

    /// <summary><c>apiKeyId</c>: the id of that API key (safe to log).</summary>
    [JsonPropertyName("apiKeyId")]
    public string? ApiKeyId { get; init; }

    /// <summary><c>userAgent</c>.</summary>
    [JsonPropertyName("userAgent")]
    public string? UserAgent { get; init; }

    /// <summary><c>accountId</c> (IAM-authorized callers).</summary>
    [JsonPropertyName("accountId")]
    public string? AccountId { get; init; }

    /// <summary><c>caller</c>.</summary>
    [JsonPropertyName("caller")]
    public string? Caller { get; init; }

    /// <summary><c>user</c>.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary><c>userArn</c>.</summary>
    [JsonPropertyName("userArn")]
    public string? UserArn { get; init; }

    /// <summary><c>accessKey</c>.</summary>
    [JsonPropertyName("accessKey")]
    public string? AccessKey { get; init; }

    /// <summary><c>principalOrgId</c>.</summary>
    [JsonPropertyName("principalOrgId")]
    public string? PrincipalOrgId { get; init; }

    /// <summary><c>cognitoIdentityPoolId</c>.</summary>
    [JsonPropertyName("cognitoIdentityPoolId")]
    public string? CognitoIdentityPoolId { get; init; }

    /// <summary><c>cognitoIdentityId</c>.</summary>
    [JsonPropertyName("cognitoIdentityId")]
    public string? CognitoIdentityId { get; init; }

    /// <summary><c>cognitoAuthenticationType</c>.</summary>
    [JsonPropertyName("cognitoAuthenticationType")]
    public string? CognitoAuthenticationType { get; init; }

    /// <summary><c>cognitoAuthenticationProvider</c>.</summary>
    [JsonPropertyName("cognitoAuthenticationProvider")]
    public string? CognitoAuthenticationProvider { get; init; }

    /// <summary><c>clientCert</c>: the mutual-TLS client certificate, when the domain requires one.</summary>
    [JsonPropertyName("clientCert")]
    public ApiGatewayClientCertificate? ClientCert { get; init; }

    /// <summary>Members not modelled above, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>The <c>identity.clientCert</c> of a mutual-TLS request.</summary>
public sealed class ApiGatewayClientCertificate
{
    /// <summary><c>clientCertPem</c>.</summary>
    [JsonPropertyName("clientCertPem")]
    public string? ClientCertPem { get; init; }

    /// <summary><c>subjectDN</c>.</summary>
    [JsonPropertyName("subjectDN")]
    public string? SubjectDN { get; init; }

    /// <summary><c>issuerDN</c>.</summary>
    [JsonPropertyName("issuerDN")]
    public string? IssuerDN { get; init; }

    /// <summary><c>serialNumber</c>.</summary>
    [JsonPropertyName("serialNumber")]
    public string? SerialNumber { get; init; }

    /// <summary><c>validity</c>.</summary>
    [JsonPropertyName("validity")]
    public ApiGatewayClientCertificateValidity? Validity { get; init; }

    /// <summary>Members not modelled above, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>The validity period of a client certificate, as API Gateway prints it.</summary>
public sealed class ApiGatewayClientCertificateValidity
{
    /// <summary><c>notBefore</c>.</summary>
    [JsonPropertyName("notBefore")]
    public string? NotBefore { get; init; }

    /// <summary><c>notAfter</c>.</summary>
    [JsonPropertyName("notAfter")]
    public string? NotAfter { get; init; }
}
