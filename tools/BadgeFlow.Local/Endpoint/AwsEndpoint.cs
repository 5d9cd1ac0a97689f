using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Endpoint;

/// <summary>The AWS-compatible endpoint: one HTTP entry point that routes JSON 1.1 requests by <c>X-Amz-Target</c> and
/// query requests by <c>Action</c>, as the AWS SDKs and CLI send them, and answers errors in each protocol's shape.
/// Signatures are not verified (there are no real credentials), but the SigV4 Authorization header must be present
/// and well formed, so a client that forgot to sign fails here as it would on AWS.</summary>
public sealed partial class AwsEndpoint
{
    private readonly IReadOnlyDictionary<string, IJsonProtocolService> _jsonServices;
    private readonly IReadOnlyList<IQueryProtocolService> _queryServices;
    private readonly CustomResourceResponses _customResourceResponses;
    private readonly ILogger _logger;

    public AwsEndpoint(
        IEnumerable<IJsonProtocolService> jsonServices,
        IEnumerable<IQueryProtocolService> queryServices,
        CustomResourceResponses customResourceResponses,
        ILogger<AwsEndpoint> logger)
    {
        _jsonServices = jsonServices.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);
        _queryServices = [.. queryServices];
        _customResourceResponses = customResourceResponses;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var request = context.Request;

        if (HttpMethods.IsPut(request.Method) && request.Path.StartsWithSegments(CustomResourceResponses.PathPrefix, out var rest))
        {
            await _customResourceResponses.ReceiveAsync(rest.Value?.Trim('/') ?? string.Empty, request.Body, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        string? target = request.Headers["X-Amz-Target"];
        if (HttpMethods.IsPost(request.Method) && !string.IsNullOrEmpty(target))
        {
            await HandleJsonAsync(context, target, requestId).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            await HandleQueryAsync(context, requestId).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(request.Method) && request.Path == "/health")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"status\":\"running\"}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await WriteJsonErrorAsync(context, new AwsErrorException("UnknownOperationException", "Expected POST with X-Amz-Target or a form-encoded Action."), "message")
            .ConfigureAwait(false);
    }

    private async Task HandleJsonAsync(HttpContext context, string target, string requestId)
    {
        var dot = target.LastIndexOf('.');
        var prefix = dot > 0 ? target[..dot] : target;
        var operation = dot > 0 ? target[(dot + 1)..] : string.Empty;
        if (!_jsonServices.TryGetValue(prefix, out var service))
        {
            await WriteJsonErrorAsync(context, new AwsErrorException("UnknownOperationException", $"Unknown target {target}."), "message").ConfigureAwait(false);
            return;
        }

        if (!HasSigV4Authorization(context.Request))
        {
            await WriteJsonErrorAsync(context, MissingAuthentication(), service.MessageMember).ConfigureAwait(false);
            return;
        }

        var read = await RequestBody.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        try
        {
            var body = read.Length == 0 ? "{}"u8.ToArray() : read;
            var response = await service.HandleAsync(operation, body, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AwsErrorException error)
        {
            LogServiceError(_logger, target, error.Code, requestId);
            await WriteJsonErrorAsync(context, error, service.MessageMember).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            LogServiceError(_logger, target, "SerializationException", requestId);
            await WriteJsonErrorAsync(context, new AwsErrorException("SerializationException", ex.Message), service.MessageMember).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnhandled(_logger, ex, target, requestId);
            await WriteJsonErrorAsync(context, new AwsErrorException("InternalFailure", "The service encountered an internal error.", 500), service.MessageMember)
                .ConfigureAwait(false);
        }
    }

    private async Task HandleQueryAsync(HttpContext context, string requestId)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var parameters = form.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        parameters.TryGetValue("Action", out var action);
        var service = action is null ? null : _queryServices.FirstOrDefault(s => s.Handles(action));
        if (service is null || action is null)
        {
            await WriteQueryErrorAsync(context, new AwsErrorException("InvalidAction", $"The action {action} is not valid for this endpoint."), requestId, null)
                .ConfigureAwait(false);
            return;
        }

        if (!HasSigV4Authorization(context.Request))
        {
            await WriteQueryErrorAsync(context, new AwsErrorException("MissingAuthenticationToken", "Request is missing Authentication Token", 403), requestId, service)
                .ConfigureAwait(false);
            return;
        }

        try
        {
            var xml = await service.HandleAsync(action, parameters, requestId, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync(xml, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AwsErrorException error)
        {
            LogServiceError(_logger, action, error.Code, requestId);
            await WriteQueryErrorAsync(context, error, requestId, service).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnhandled(_logger, ex, action, requestId);
            await WriteQueryErrorAsync(context, new AwsErrorException("InternalError", "The service encountered an internal error.", 500), requestId, service)
                .ConfigureAwait(false);
        }
    }

    /// <summary>The shape every SigV4 client sends: algorithm, then Credential (key/date/region/service/aws4_request),
    /// SignedHeaders and a 64-hex-digit Signature. Presigned query strings are not used by any client we serve.</summary>
    internal static bool HasSigV4Authorization(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        return authorization is not null && SigV4Authorization().IsMatch(authorization);
    }

    private static AwsErrorException MissingAuthentication() =>
        new("MissingAuthenticationTokenException", "Missing Authentication Token", 403);

    private static async Task WriteJsonErrorAsync(HttpContext context, AwsErrorException error, string messageMember)
    {
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = "application/x-amz-json-1.1";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", error.Code);
            writer.WriteString(messageMember, error.Message);
            foreach (var (name, value) in error.ExtraMembers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteQueryErrorAsync(HttpContext context, AwsErrorException error, string requestId, IQueryProtocolService? service)
    {
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = "text/xml";
        var ns = service?.XmlNamespace ?? "http://sns.amazonaws.com/doc/2010-03-31/";
        var xml = new StringBuilder()
            .Append("<ErrorResponse xmlns=\"").Append(ns).Append("\">")
            .Append("<Error><Type>").Append(error.SenderFault ? "Sender" : "Receiver").Append("</Type>")
            .Append("<Code>").Append(SecurityElement.Escape(error.Code)).Append("</Code>")
            .Append("<Message>").Append(SecurityElement.Escape(error.Message)).Append("</Message></Error>")
            .Append("<RequestId>").Append(requestId).Append("</RequestId></ErrorResponse>")
            .ToString();
        await context.Response.WriteAsync(xml, context.RequestAborted).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=[^/,\s]+/\d{8}/[a-z0-9-]+/[a-z0-9-]+/aws4_request,\s*SignedHeaders=[a-z0-9;\-]+,\s*Signature=[0-9a-f]{64}$")]
    private static partial Regex SigV4Authorization();

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} answered {ErrorCode} (request {RequestId})")]
    private static partial void LogServiceError(ILogger logger, string operation, string errorCode, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Operation} failed unexpectedly (request {RequestId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string operation, string requestId);
}
