using System.Net.Http.Headers;
using System.Text.Json;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Schema;

/// <summary>Delivers a custom resource's answer to CloudFormation.</summary>
public interface ICloudFormationResponder
{
    /// <summary>PUTs <paramref name="response"/> to the request's pre-signed ResponseURL; throws when it could not.</summary>
    Task SendAsync(Uri responseUrl, CloudFormationCustomResourceResponse response, CancellationToken cancellationToken);
}

/// <summary>
/// PUTs the response JSON to the pre-signed S3 URL CloudFormation gave, with an empty Content-Type (the URL was signed
/// without one, so S3 rejects any other) and bounded retries: an answer that never arrives leaves the stack waiting for
/// an hour.
/// </summary>
public sealed class HttpCloudFormationResponder : ICloudFormationResponder
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(8);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public HttpCloudFormationResponder(HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _time = time;
    }

    public async Task SendAsync(Uri responseUrl, CloudFormationCustomResourceResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responseUrl);
        ArgumentNullException.ThrowIfNull(response);
        var body = JsonSerializer.SerializeToUtf8Bytes(response, EventsJsonContext.Default.CloudFormationCustomResourceResponse);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, responseUrl) { Content = new ByteArrayContent(body) };

            // An explicitly empty Content-Type, as CloudFormation's own cfn-response module sends.
            request.Content.Headers.ContentType = null;
            request.Content.Headers.TryAddWithoutValidation("Content-Type", string.Empty);
            request.Content.Headers.ContentLength = body.Length;
            try
            {
                using var attemptTimeout = new CancellationTokenSource(AttemptTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptTimeout.Token);
                using var answer = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
                if (answer.IsSuccessStatusCode)
                {
                    return;
                }

                var status = (int)answer.StatusCode;
                if (status is >= 400 and < 500 and not 408 and not 429 || attempt >= MaxAttempts)
                {
                    throw new HttpRequestException($"The CloudFormation response URL answered HTTP {status} to the PUT (attempt {attempt}).", null, answer.StatusCode);
                }
            }
            catch (Exception error) when (attempt < MaxAttempts && !cancellationToken.IsCancellationRequested
                                          && error is (HttpRequestException { StatusCode: null or >= System.Net.HttpStatusCode.InternalServerError }) or OperationCanceledException)
            {
                // A transport failure or a timeout of this attempt: try again below.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
