using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace BadgeFlow.Local.Simulator;

/// <summary>Thrown when the API refuses the sensor itself (wrong key, wrong URL): resending cannot help.</summary>
public sealed class SensorApiRefusedException(string message) : Exception(message)
{
    public SensorApiRefusedException()
        : this("The sensor API refused the request.")
    {
    }

    public SensorApiRefusedException(string message, Exception innerException)
        : this(message + " " + innerException?.Message)
    {
    }
}

/// <summary>
/// <c>POST {api}/reads</c> with an <c>application/json</c> batch and the <c>x-api-key</c> header of the batch's key
/// group, and what the response says about each read (docs/producer-api.md): accepted, refused for good, or to be sent
/// again. A batch holds one key group's reads (<see cref="BatchKey"/>; <see cref="ReadSender"/> keeps them apart).
/// </summary>
public sealed class SensorApiClient : IReadSink
{
    private readonly HttpClient _http;
    private readonly Uri _readsUrl;
    private readonly SensorKeyring _keys;
    private readonly TimeProvider _time;

    public SensorApiClient(HttpClient http, Uri apiUrl, SensorKeyring keys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apiUrl);
        ArgumentNullException.ThrowIfNull(keys);
        _http = http;
        _readsUrl = ReadsUrl(apiUrl);
        _keys = keys;
        _time = time;
    }

    public string BatchKey(WireRead read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return _keys.GroupOf(read.SensorId);
    }

    /// <summary>The stage URL (<c>https://…/Prod/</c>) or the resource itself (<c>…/reads</c>) both work.</summary>
    public static Uri ReadsUrl(Uri apiUrl)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        var text = apiUrl.AbsoluteUri.TrimEnd('/');
        return new Uri(text.EndsWith("/reads", StringComparison.OrdinalIgnoreCase) ? text : text + "/reads");
    }

    public async Task<SendOutcome> SendAsync(IReadOnlyList<WireRead> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reads);
        if (reads.Count == 0)
        {
            return new SendOutcome(200, 0, [], [], null);
        }

        var group = BatchKey(reads[0]);
        if (reads.Any(r => BatchKey(r) != group))
        {
            throw new ArgumentException("A batch must hold the reads of one key group.", nameof(reads));
        }

        // Serialized up front so the request carries Content-Length, as a sensor's fixed-size post does (JsonContent
        // would stream it chunked, and the receiver could not size its buffer).
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new WireReadBatch(reads), SimulatorJsonContext.Default.WireReadBatch));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, _readsUrl) { Content = content };
        request.Headers.Add("x-api-key", _keys.KeyFor(group));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // The connection failed before an answer: nothing is known to be taken, so all of them go again.
            return SendOutcome.ResendAll(0, reads.Count, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.ResendAll(0, reads.Count, null);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var retryAfter = RetryAfter(response);
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound)
            {
                throw new SensorApiRefusedException(
                    $"The sensor API at {_readsUrl} answered {status} {response.ReasonPhrase}: check the URL and the API key.");
            }

            var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            if (body?.AcceptedReads is not null || body?.RejectedReads is not null || body?.FailedReads is not null)
            {
                // 200/207, 400 "no valid reads", 503 "nothing delivered": the answer says what became of each read.
                return Interpret(status, body, reads.Count, retryAfter);
            }

            if (status is 429 or >= 500)
            {
                // Throttled by the usage plan, or the function failed (API Gateway's 502): nothing was taken.
                return SendOutcome.ResendAll(status, reads.Count, retryAfter);
            }

            if (response.IsSuccessStatusCode)
            {
                throw new SensorApiRefusedException($"The sensor API answered {status} without saying which reads it took.");
            }

            // A 4xx about the request as a whole (malformed body, too many reads, media type): a bug in this client.
            throw new SensorApiRefusedException(
                $"The sensor API refused a batch of {reads.Count} reads with {status} {body?.Title ?? response.ReasonPhrase}: {body?.Detail}");
        }
    }

    /// <summary>The per-read verdict of an answer, checked to account for every read of the request exactly once.</summary>
    internal static SendOutcome Interpret(int status, ReadsResponse body, int count, TimeSpan? retryAfter)
    {
        var accepted = body.AcceptedReads?.Select(r => r.Index).ToArray() ?? [];
        var rejected = body.RejectedReads?.Select(r => r.Index).ToArray() ?? [];
        var resend = body.FailedReads?.Select(r => r.Index).ToArray() ?? [];
        var named = accepted.Concat(rejected).Concat(resend).ToArray();
        if (named.Length != count || named.Any(i => i < 0 || i >= count) || named.Distinct().Count() != count)
        {
            throw new SensorApiRefusedException(
                $"The sensor API's answer ({status}) does not account for the {count} reads sent exactly once: {accepted.Length} accepted, {rejected.Length} rejected, {resend.Length} failed.");
        }

        return new SendOutcome(status, accepted.Length, rejected, resend, retryAfter);
    }

    private static async Task<ReadsResponse?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/json" or "application/problem+json"))
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync(SimulatorJsonContext.Default.ReadsResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow() > TimeSpan.Zero ? date - _time.GetUtcNow() : TimeSpan.Zero,
            _ => null,
        };
}
