using System.Text;
using System.Text.Json;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Domain.Reads;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Producer;

/// <summary><c>POST /reads</c> behind API Gateway (REST, proxy integration): validates the reads, pseudonymizes the
/// badge IDs, packs the reads into Firehose records and sends them, and answers which reads were taken, which were
/// refused and why, and which could not be delivered (docs/producer-api.md).</summary>
public sealed class ProducerHandler : ILambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse>
{
    /// <summary>Time kept back from the deadline to build and return the response once delivery stops.</summary>
    public static readonly TimeSpan ResponseReserve = TimeSpan.FromMilliseconds(250);

    /// <summary>Seconds a sensor should wait before resending when Firehose took nothing.</summary>
    public const int RetryAfterSeconds = 2;

    private const string ProblemJson = "application/problem+json";
    private const string Json = "application/json";

    private readonly ProducerSettings _settings;
    private readonly BadgePseudonymizer _pseudonymizer;
    private readonly RecordPacker _packer;
    private readonly ReadDelivery _delivery;
    private readonly TimeProvider _time;
    private readonly TextWriter _metricsOutput;
    private readonly ReadParseOptions _parseOptions;
    private readonly SensorKeyBinding _keys;

    /// <summary>The rejection reason of a read whose sensor the caller's API key may not post for.</summary>
    public const string SensorNotInKeyGroup = "is not a sensor of this API key's key group";

    public ProducerHandler(
        ProducerSettings settings,
        SensorKeyBinding keys,
        BadgePseudonymizer pseudonymizer,
        RecordPacker packer,
        ReadDelivery delivery,
        TimeProvider time,
        TextWriter metricsOutput)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentNullException.ThrowIfNull(packer);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metricsOutput);
        _settings = settings;
        _keys = keys;
        _pseudonymizer = pseudonymizer;
        _packer = packer;
        _delivery = delivery;
        _time = time;
        _metricsOutput = metricsOutput;
        _parseOptions = new ReadParseOptions { MaxReads = settings.MaxReadsPerRequest };
    }

    public async Task<ApiGatewayProxyResponse> HandleAsync(ApiGatewayProxyRequest request, LambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var log = context.Logger;
        var receivedAt = RequestReceiveTime.Of(request, _time);
        var metrics = new EmfMetrics(_settings.MetricsNamespace, _time, ("FunctionName", "Producer"));
        try
        {
            return await HandleCoreAsync(request, context, receivedAt, metrics).ConfigureAwait(false);
        }
        finally
        {
            metrics.Flush(_metricsOutput);
        }

        async Task<ApiGatewayProxyResponse> HandleCoreAsync(ApiGatewayProxyRequest request, LambdaContext context, DateTimeOffset receivedAt, EmfMetrics metrics)
        {
            if (request.HttpMethod is { } method && !method.Equals("POST", StringComparison.OrdinalIgnoreCase))
            {
                return Problem(405, "method-not-allowed", "Method Not Allowed", "Reads are sent with POST.", extraHeaders: ("Allow", "POST"));
            }

            // API Gateway has checked the key's value; which sensors it may speak for is decided here, by its id.
            var apiKeyId = request.RequestContext?.Identity?.ApiKeyId;
            if (!_keys.TryGetGroup(apiKeyId, out var keyGroup))
            {
                log.Warning("Refused a request whose API key {ApiKeyId} is in no key group", Truncate(apiKeyId) ?? "(none)");
                metrics.Count("RequestsForbidden", 1);
                return Problem(403, "key-not-bound", "Forbidden", "This API key is not bound to any group of sensors; ask for the key of your sensors' group.");
            }

            if (!ReadBodyFormats.TryFromContentType(request.GetHeader("Content-Type"), out var format))
            {
                log.Information("Refused a body of media type {ContentType}", Truncate(request.GetHeader("Content-Type")));
                return Problem(415, "unsupported-media-type", "Unsupported Media Type",
                    "Send application/json ({\"reads\": [...]}), application/x-ndjson (one read per line) or text/csv (sensor_id,badge_id,read_at[,rssi]), in UTF-8.");
            }

            ReadBatch batch;
            try
            {
                var body = ReadBody(request, out var bodyProblem);
                if (bodyProblem is not null)
                {
                    return bodyProblem;
                }

                batch = SensorReadParser.Parse(body, format, receivedAt, _parseOptions);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The parser answers every body it knows of; should one still make it fail, that is the client's body,
                // not a server fault: a 5xx would make a sensor resend it forever. The log names the failure, not the body.
                log.Error("Could not read a {Format} body: {ExceptionType}", format, e.GetType().Name);
                return Problem(400, "malformed-body", "Malformed Body", "The body could not be read; check that it is UTF-8 in the format its Content-Type names.");
            }

            switch (batch.Status)
            {
                case ReadBatchStatus.MalformedBody:
                    log.Information("Refused a malformed {Format} body: {Problem}", format, batch.BodyError!.Message);
                    return Problem(400, "malformed-body", "Malformed Body", batch.BodyError.Message, line: batch.BodyError.Line);
                case ReadBatchStatus.TooManyReads:
                    return Problem(413, "too-many-reads", "Too Many Reads", $"A request may hold at most {_settings.MaxReadsPerRequest} reads; split it.");
            }

            // A read for a sensor outside the key's group is refused on its own, like an invalid one: a stolen key
            // cannot speak for another venue's sensors, and the caller's other reads still count.
            var admitted = batch.Reads.Where(r => _keys.Admits(keyGroup, r.Read.SensorId)).ToArray();
            var rejected = batch.Rejections.Select(r => new RejectedRead(r.Index, r.Field, r.Reason))
                .Concat(batch.Reads.Where(r => !_keys.Admits(keyGroup, r.Read.SensorId)).Select(r => new RejectedRead(r.Index, "sensorId", SensorNotInKeyGroup)))
                .OrderBy(r => r.Index)
                .ToArray();
            var outOfGroup = rejected.Length - batch.Rejections.Count;
            metrics.Count("ReadsRejected", rejected.Length);
            metrics.Count("ReadsOutsideKeyGroup", outOfGroup);
            if (outOfGroup > 0)
            {
                log.Warning("API key {ApiKeyId} of key group {KeyGroup} sent {OutOfGroup} reads for sensors outside its group", apiKeyId, keyGroup, outOfGroup);
            }

            if (admitted.Length == 0)
            {
                log.Information("No valid read among {ReadCount}", batch.ReadCount);
                metrics.Count("ReadsAccepted", 0);
                return Problem(400, "no-valid-reads", "No Valid Reads", "None of the reads is valid; see rejectedReads.",
                    received: batch.ReadCount, rejectedReads: rejected);
            }

            // Raw badge IDs stop here: from this line on only badge hashes exist.
            var readIds = new string?[batch.ReadCount];
            var pseudonymized = new IndexedRead[admitted.Length];
            for (var i = 0; i < admitted.Length; i++)
            {
                var (index, read) = admitted[i];
                var p = read.Pseudonymize(_pseudonymizer, receivedAt);
                pseudonymized[i] = new IndexedRead(index, p);
                readIds[index] = p.ReadId;
            }

            var packed = _packer.Pack(pseudonymized);
            var notAfter = context.Deadline - ResponseReserve;
            var outcome = await _delivery.DeliverAsync(packed.Batches, notAfter, context.CancellationToken).ConfigureAwait(false);

            var accepted = outcome.Delivered.SelectMany(r => r.ReadIndexes).Order().Select(i => new AcceptedRead(i, readIds[i]!)).ToArray();
            var failed = outcome.Failed.SelectMany(f => f.Record.ReadIndexes.Select(i => new FailedRead(i, readIds[i]!, f.Reason))).OrderBy(f => f.Index).ToArray();

            metrics.Count("ReadsAccepted", accepted.Length);
            metrics.Count("ReadsFailed", failed.Length);
            metrics.Count("FirehoseRecords", outcome.Delivered.Count);
            metrics.Bytes("FirehoseBytes", outcome.DeliveredBytes);
            metrics.Count("FirehoseRetries", outcome.Retries);

            if (failed.Length > 0)
            {
                log.Warning("Firehose did not take {FailedReads} reads in {FailedRecords} records after {Retries} retries; first reason {Reason}",
                    failed.Length, outcome.Failed.Count, outcome.Retries, outcome.Failed[0].Reason);
            }

            log.Information("Received {ReadCount} reads: {Accepted} accepted, {Rejected} rejected, {Failed} failed; {Records} Firehose records, {Bytes} bytes",
                batch.ReadCount, accepted.Length, rejected.Length, failed.Length, outcome.Delivered.Count, outcome.DeliveredBytes);

            if (accepted.Length == 0)
            {
                return Problem(503, "delivery-unavailable", "Service Unavailable",
                    "The reads are valid but could not be delivered; send the failedReads again after Retry-After seconds.",
                    received: batch.ReadCount, rejectedReads: rejected, failedReads: failed,
                    extraHeaders: ("Retry-After", RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            var response = new ReadsResponse
            {
                Received = batch.ReadCount,
                Accepted = accepted.Length,
                Rejected = rejected.Length,
                Failed = failed.Length,
                AcceptedReads = accepted,
                RejectedReads = rejected,
                FailedReads = failed,
            };
            return new ApiGatewayProxyResponse
            {
                StatusCode = rejected.Length == 0 && failed.Length == 0 ? 200 : 207,
                Headers = new Dictionary<string, string> { ["Content-Type"] = Json },
                Body = JsonSerializer.Serialize(response, ProducerJsonContext.Default.ReadsResponse),
            };
        }
    }

    /// <summary>The body as UTF-8 bytes (decoded from base64 when API Gateway says so), or a 400/413 problem.</summary>
    private ReadOnlySpan<byte> ReadBody(ApiGatewayProxyRequest request, out ApiGatewayProxyResponse? problem)
    {
        problem = null;
        var text = request.Body;
        if (string.IsNullOrEmpty(text))
        {
            problem = Problem(400, "malformed-body", "Malformed Body", "The body is empty.");
            return default;
        }

        byte[] bytes;
        if (request.IsBase64Encoded)
        {
            // Decoded size is at most 3/4 of the text: refuse before decoding anything far too large.
            if ((long)text.Length / 4 * 3 > _settings.MaxBodyBytes + 3L)
            {
                problem = TooLarge();
                return default;
            }

            try
            {
                bytes = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                problem = Problem(400, "malformed-body", "Malformed Body", "The body is marked base64 but is not valid base64.");
                return default;
            }
        }
        else
        {
            if (text.Length > _settings.MaxBodyBytes || Encoding.UTF8.GetByteCount(text) > _settings.MaxBodyBytes)
            {
                problem = TooLarge();
                return default;
            }

            bytes = Encoding.UTF8.GetBytes(text);
        }

        if (bytes.Length > _settings.MaxBodyBytes)
        {
            problem = TooLarge();
            return default;
        }

        return bytes;
    }

    private ApiGatewayProxyResponse TooLarge() => Problem(413, "body-too-large", "Content Too Large", $"The body may be at most {_settings.MaxBodyBytes} bytes; split the reads over several requests.");

    private static ApiGatewayProxyResponse Problem(
        int status,
        string type,
        string title,
        string detail,
        long? line = null,
        int? received = null,
        IReadOnlyList<RejectedRead>? rejectedReads = null,
        IReadOnlyList<FailedRead>? failedReads = null,
        (string Name, string Value)? extraHeaders = null)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = ProblemJson };
        if (extraHeaders is { } header)
        {
            headers[header.Name] = header.Value;
        }

        var problem = new ProblemDetails
        {
            Type = "urn:badgeflow:problem:" + type,
            Title = title,
            Status = status,
            Detail = detail,
            Line = line,
            Received = received,
            RejectedReads = rejectedReads,
            FailedReads = failedReads,
        };
        return new ApiGatewayProxyResponse
        {
            StatusCode = status,
            Headers = headers,
            Body = JsonSerializer.Serialize(problem, ProducerJsonContext.Default.ProblemDetails),
        };
    }

    // A Content-Type is client input: keep what reaches the log short.
    private static string? Truncate(string? value) => value is { Length: > 100 } ? value[..100] : value;
}
