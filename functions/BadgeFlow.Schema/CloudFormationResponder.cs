using System.Net;
using System.Text.Json;
using BadgeFlow.Runtime.Events;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BadgeFlow.Schema;

/// <summary>Delivers a custom resource's answer to CloudFormation.</summary>
public interface ICloudFormationResponder
{
    /// <summary>PUTs <paramref name="response"/> to the request's pre-signed ResponseURL; throws when it could not.</summary>
    Task SendAsync(Uri responseUrl, CloudFormationCustomResourceResponse response, CancellationToken cancellationToken);
}

/// <summary>
/// PUTs the response JSON to the pre-signed S3 URL CloudFormation gave, with an empty Content-Type (the URL was signed
/// without one, so S3 rejects any other) and bounded retries (a Polly pipeline: per-attempt timeout inside a linear
/// retry): an answer that never arrives leaves the stack waiting for an hour.
/// </summary>
public sealed class HttpCloudFormationResponder : ICloudFormationResponder
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;

    public HttpCloudFormationResponder(HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = MaxAttempts - 1,
                Delay = FirstRetryDelay,
                BackoffType = DelayBackoffType.Linear, // 200 ms, then 400 ms
                UseJitter = false,
                // A transport failure, a 5xx, 408 or 429, or a timed-out attempt; any other 4xx (a signature problem) does not go away on retry.
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>(e => e.StatusCode is null or >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
                    .Handle<TimeoutRejectedException>(),
            })
            .AddTimeout(AttemptTimeout)
            .Build();
    }

    public async Task SendAsync(Uri responseUrl, CloudFormationCustomResourceResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responseUrl);
        ArgumentNullException.ThrowIfNull(response);
        var body = JsonSerializer.SerializeToUtf8Bytes(response, EventsJsonContext.Default.CloudFormationCustomResourceResponse);
        await _pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, state.Url) { Content = new ByteArrayContent(state.Body) };

                // An explicitly empty Content-Type, as CloudFormation's own cfn-response module sends.
                request.Content.Headers.ContentType = null;
                request.Content.Headers.TryAddWithoutValidation("Content-Type", string.Empty);
                request.Content.Headers.ContentLength = state.Body.Length;
                using var answer = await state.Http.SendAsync(request, token).ConfigureAwait(false);
                if (!answer.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"The CloudFormation response URL answered HTTP {(int)answer.StatusCode} to the PUT.", null, answer.StatusCode);
                }
            },
            (Http: _http, Url: responseUrl, Body: body),
            cancellationToken).ConfigureAwait(false);
    }
}
