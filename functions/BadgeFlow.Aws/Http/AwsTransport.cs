using System.Collections.Concurrent;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace BadgeFlow.Aws.Http;

/// <summary>The one place that talks HTTP to AWS: builds a POST for a JSON 1.1 or query operation, signs it with
/// AWSSDK.Core's SigV4 signer, sends it on the shared <see cref="HttpClient"/>, and retries throttling, 5xx, transport
/// failures and timeouts with backoff, within the attempt limit, the caller's deadline and its cancellation token.</summary>
public sealed class AwsTransport
{
    private const string JsonContentType = "application/x-amz-json-1.1";
    private const string QueryContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly HttpClient _http;
    private readonly AWSCredentials _credentials;
    private readonly RegionEndpoint _region;
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _environment;
    private readonly ConcurrentDictionary<AwsService, Uri> _endpoints = new();

    public AwsTransport(HttpClient http, AWSCredentials credentials, string region, TimeProvider time, AwsRetryPolicy retryPolicy, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(retryPolicy);
        ArgumentNullException.ThrowIfNull(environment);
        if (retryPolicy.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(retryPolicy), "MaxAttempts must be at least 1.");
        }

        _http = http;
        _credentials = credentials;
        Region = region;
        _region = RegionEndpoint.GetBySystemName(region);
        _time = time;
        RetryPolicy = retryPolicy;
        _environment = environment;
    }

    public string Region { get; }

    public AwsRetryPolicy RetryPolicy { get; }

    /// <summary>An <see cref="HttpClient"/> for the whole process: pooled connections recycled every few minutes (DNS
    /// changes), no client-wide timeout (each attempt has its own).</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(3),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public Uri EndpointFor(AwsService service) => _endpoints.GetOrAdd(service, s => s.ResolveEndpoint(Region, _environment));

    /// <summary>A JSON 1.1 call of <paramref name="action"/>: <c>X-Amz-Target: {action.Target}</c>, body as given.</summary>
    public Task<AwsResponse> SendJsonAsync(AwsAction action, byte[] body, DateTimeOffset? notAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        return SendAsync(action.Service, action.Target, JsonContentType, body, notAfter, cancellationToken);
    }

    /// <summary>A query call: the form-encoded body already holds <c>Action</c> and <c>Version</c>.</summary>
    public Task<AwsResponse> SendQueryAsync(AwsService service, byte[] formBody, DateTimeOffset? notAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return SendAsync(service, null, QueryContentType, formBody, notAfter, cancellationToken);
    }

    private async Task<AwsResponse> SendAsync(AwsService service, string? target, string contentType, byte[] body, DateTimeOffset? notAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var endpoint = EndpointFor(service);
        Exception lastFailure;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attemptTimeout = RetryPolicy.AttemptTimeout;
            if (notAfter is { } deadline)
            {
                var remaining = deadline - _time.GetUtcNow();
                if (remaining < attemptTimeout)
                {
                    attemptTimeout = remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1);
                }
            }

            using var timeout = new CancellationTokenSource(attemptTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                using var request = await CreateSignedRequestAsync(service, endpoint, target, contentType, body, linked.Token).ConfigureAwait(false);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                var responseBody = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
                var requestId = Header(response, "x-amzn-RequestId") ?? Header(response, "x-amz-request-id");
                if (response.IsSuccessStatusCode)
                {
                    return new AwsResponse(responseBody, requestId, attempt);
                }

                var error = service.Protocol == AwsProtocol.Json11
                    ? AwsErrorParser.ParseJson(service.Name, (int)response.StatusCode, responseBody, requestId, Header(response, "x-amzn-ErrorType"))
                    : AwsErrorParser.ParseQuery(service.Name, (int)response.StatusCode, responseBody, requestId);
                if (!AwsRetryPolicy.IsRetryable(error))
                {
                    throw new AwsServiceException(error.Service, error.ErrorCode, error.ServiceMessage, error.StatusCode, error.RequestId) { Attempts = attempt };
                }

                lastFailure = error;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastFailure = new TimeoutException($"{service.Name} did not answer within {attemptTimeout.TotalMilliseconds:0} ms.");
            }
            catch (HttpRequestException exception)
            {
                lastFailure = exception;
            }

            if (attempt >= RetryPolicy.MaxAttempts)
            {
                throw GiveUp(service, lastFailure, attempt);
            }

            var delay = RetryPolicy.BackoffBefore(attempt + 1);
            if (notAfter is { } notAfterValue && _time.GetUtcNow() + delay + RetryPolicy.MinimumAttemptTime > notAfterValue)
            {
                // Not enough time left for another attempt to finish: report the failure while the caller can still act.
                throw GiveUp(service, lastFailure, attempt);
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpRequestMessage> CreateSignedRequestAsync(AwsService service, Uri endpoint, string? target, string contentType, byte[] body, CancellationToken cancellationToken)
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = endpoint, Content = body };
        signing.Headers["Content-Type"] = contentType;
        if (target is not null)
        {
            signing.Headers["X-Amz-Target"] = target;
        }

        var signed = await AWSSigV4Signer.SignAsync(
            signing,
            new AWSSigV4Parameters
            {
                Credentials = _credentials,
                Region = _region,
                Service = service.SigningName,
                SignPayload = true,
                SignedAt = _time.GetUtcNow().UtcDateTime,
            },
            cancellationToken).ConfigureAwait(false);

        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content, Version = System.Net.HttpVersion.Version11 };
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return request;
    }

    private static Exception GiveUp(AwsService service, Exception lastFailure, int attempts) => lastFailure switch
    {
        AwsServiceException e => new AwsServiceException(e.Service, e.ErrorCode, e.ServiceMessage, e.StatusCode, e.RequestId) { Attempts = attempts },
        _ => new AwsTransportException(service.Name, lastFailure.Message, attempts, lastFailure),
    };

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>A successful answer: the raw body, the request id and how many attempts it took.</summary>
public sealed record AwsResponse(byte[] Body, string? RequestId, int Attempts);
