using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.Firehose;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.SensorApi;

/// <summary>The sensor API as API Gateway serves it: <c>POST /reads</c> with an API key, turned into a REST proxy event
/// (payload 1.0) for Producer, and Producer's proxy response turned back into HTTP. Gateway-side failures answer
/// with API Gateway's own bodies (<c>{"message":"Forbidden"}</c>, <c>{"message":"Internal server error"}</c>…).</summary>
public sealed partial class SensorApiServer
{
    private const string Resource = "/reads";
    private const long MaxPayloadBytes = 10L * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly SensorApiSettings _settings;
    private readonly IFunctionInvoker _functions;
    private readonly PipelineCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SensorApiServer(SensorApiSettings settings, IFunctionInvoker functions, PipelineCounters counters, TimeProvider time, ILogger<SensorApiServer> logger)
    {
        _settings = settings;
        _functions = functions;
        _counters = counters;
        _time = time;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        context.Response.Headers["x-amz-apigw-id"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).TrimEnd('=');
        var status = await RouteAsync(context, requestId).ConfigureAwait(false);
        _counters.ApiRequest(status);
    }

    private async Task<int> RouteAsync(HttpContext context, string requestId)
    {
        var request = context.Request;
        // API Gateway answers a method or resource that does not exist with 403 "Missing Authentication Token".
        if (!string.Equals(request.Path.Value?.TrimEnd('/'), Resource, StringComparison.Ordinal) || !HttpMethods.IsPost(request.Method))
        {
            return await GatewayErrorAsync(context, 403, "Missing Authentication Token").ConfigureAwait(false);
        }

        string? apiKey = request.Headers["x-api-key"];
        var issued = apiKey is null ? null : FindKey(apiKey);
        if (issued is null)
        {
            return await GatewayErrorAsync(context, 403, "Forbidden").ConfigureAwait(false);
        }

        if (request.ContentLength > MaxPayloadBytes)
        {
            return await GatewayErrorAsync(context, 413, "Request Too Long").ConfigureAwait(false);
        }

        var body = await RequestBody.ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > MaxPayloadBytes)
        {
            return await GatewayErrorAsync(context, 413, "Request Too Long").ConfigureAwait(false);
        }

        var proxyEvent = ToProxyEvent(context, body, requestId, issued);
        var payload = JsonSerializer.SerializeToUtf8Bytes(proxyEvent, ApiGatewayJsonContext.Default.ProxyRequest);
        var result = await _functions.InvokeAsync(_settings.FunctionName, payload, _settings.IntegrationTimeout, context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            LogIntegrationFailed(_logger, requestId, result.ErrorType ?? "unknown");
            return result.ErrorType == "Sandbox.Timedout"
                ? await GatewayErrorAsync(context, 504, "Endpoint request timed out").ConfigureAwait(false)
                : await GatewayErrorAsync(context, 502, "Internal server error").ConfigureAwait(false);
        }

        ProxyResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(result.Payload!, ApiGatewayJsonContext.Default.ProxyResponse);
        }
        catch (JsonException)
        {
            response = null;
        }

        if (response?.StatusCode is not { } statusCode || statusCode is < 100 or > 599)
        {
            // "Malformed Lambda proxy response": API Gateway answers 502.
            LogIntegrationFailed(_logger, requestId, "MalformedProxyResponse");
            return await GatewayErrorAsync(context, 502, "Internal server error").ConfigureAwait(false);
        }

        return await WriteProxyResponseAsync(context, response, statusCode).ConfigureAwait(false);
    }

    /// <summary>The issued key with this value; every key is compared, in constant time, so the answer's timing
    /// does not tell how many keys come before the match.</summary>
    private IssuedApiKey? FindKey(string presented)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        IssuedApiKey? found = null;
        foreach (var key in _settings.Keys)
        {
            if (CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(key.Value)))
            {
                found = key;
            }
        }

        return found;
    }

    private ProxyRequest ToProxyEvent(HttpContext context, byte[] body, string requestId, IssuedApiKey apiKey)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var multiHeaders = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers)
        {
            var list = values.Select(v => v ?? string.Empty).ToList();
            multiHeaders[name] = list;
            headers[name] = list.Count > 0 ? list[^1] : string.Empty;
        }

        Dictionary<string, string>? query = null;
        Dictionary<string, IReadOnlyList<string>>? multiQuery = null;
        if (request.Query.Count > 0)
        {
            query = request.Query.ToDictionary(q => q.Key, q => q.Value.LastOrDefault() ?? string.Empty, StringComparer.Ordinal);
            multiQuery = request.Query.ToDictionary(q => q.Key, q => (IReadOnlyList<string>)q.Value.Select(v => v ?? string.Empty).ToList(), StringComparer.Ordinal);
        }

        var (text, isBase64) = EncodeBody(body, request.ContentType, request.Headers.ContentEncoding);
        var now = _time.GetUtcNow();
        var identity = new ProxyIdentity(
            null, null, apiKey.Value, apiKey.Id, null, null, null, null, null, null,
            context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1", null, request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null, null);
        var requestContext = new ProxyRequestContext(
            _settings.AccountId,
            _settings.ApiId,
            request.Host.Value ?? "127.0.0.1",
            request.Host.Host,
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).TrimEnd('='),
            request.Method,
            identity,
            $"/{_settings.Stage}{Resource}",
            request.Protocol,
            requestId,
            now.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
            now.ToUnixTimeMilliseconds(),
            _settings.ResourceId,
            Resource,
            _settings.Stage);
        return new ProxyRequest(Resource, request.Path.Value ?? Resource, request.Method, headers, multiHeaders, query, multiQuery, null, null, requestContext, text, isBase64);
    }

    /// <summary>Text stays text. Bodies that are not UTF-8, or that are compressed or declared binary, are passed
    /// base64 encoded with isBase64Encoded true, as API Gateway does for binary media types.</summary>
    private static (string? Body, bool IsBase64) EncodeBody(byte[] body, string? contentType, string? contentEncoding)
    {
        if (body.Length == 0)
        {
            return (null, false);
        }

        var binaryType = contentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true || !string.IsNullOrEmpty(contentEncoding);
        if (!binaryType)
        {
            try
            {
                return (StrictUtf8.GetString(body), false);
            }
            catch (DecoderFallbackException)
            {
                // Falls through to base64.
            }
        }

        return (Convert.ToBase64String(body), true);
    }

    private static async Task<int> WriteProxyResponseAsync(HttpContext context, ProxyResponse response, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        foreach (var (name, values) in response.MultiValueHeaders ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            context.Response.Headers.Append(name, values.ToArray());
        }

        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            // Single-value headers override multi-value ones of the same name, as API Gateway merges them.
            context.Response.Headers[name] = value;
        }

        if (response.Body is { Length: > 0 } body)
        {
            byte[] bytes;
            try
            {
                bytes = response.IsBase64Encoded == true ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
            }
            catch (FormatException)
            {
                return await GatewayErrorAsync(context, 502, "Internal server error").ConfigureAwait(false);
            }

            if (!context.Response.Headers.ContainsKey("Content-Type"))
            {
                context.Response.ContentType = "application/json";
            }

            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }

        return statusCode;
    }

    private static async Task<int> GatewayErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = status switch
        {
            403 when message == "Forbidden" => "ForbiddenException",
            403 => "MissingAuthenticationTokenException",
            413 => "RequestTooLongException",
            _ => "InternalServerErrorException",
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
        return status;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor API request {RequestId}: integration failed ({ErrorType})")]
    private static partial void LogIntegrationFailed(ILogger logger, string requestId, string errorType);
}

/// <summary>The API's keys (one per key group, all in its usage plan), stage and identifiers, and the function and
/// timeout of its integration (29 s on API Gateway).</summary>
public sealed record SensorApiSettings(
    IReadOnlyList<IssuedApiKey> Keys,
    string FunctionName,
    string AccountId,
    TimeSpan IntegrationTimeout,
    string Stage = "local",
    string ApiId = "local",
    string ResourceId = "reads");
