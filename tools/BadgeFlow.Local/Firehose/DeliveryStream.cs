using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Firehose;

/// <summary>One delivery stream: records are buffered until the size or interval hint is reached, then a batch goes
/// through the Lambda processor (a real Firehose transformation event) to the destination. Batches are delivered in
/// order by one worker. Nothing is dropped: records the processor fails, or that cannot be delivered after bounded
/// retries, are written to the stream's processing-failed folder.</summary>
public sealed partial class DeliveryStream : IAsyncDisposable
{
    private const int MaxLambdaPayloadBytes = 6 * 1024 * 1024;

    private readonly DeliveryStreamSettings _settings;
    private readonly IDeliveryDestination _destination;
    private readonly IFunctionInvoker? _functions;
    private readonly PipelineCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Channel<Batch> _batches = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private List<BufferedRecord> _buffer = [];
    private long _bufferBytes;
    private long _oldestTimestamp;
    private long _sequence;
    private Task? _worker;
    private Task? _ticker;

    public DeliveryStream(
        DeliveryStreamSettings settings,
        IDeliveryDestination destination,
        IFunctionInvoker? functions,
        PipelineCounters counters,
        TimeProvider time,
        ILogger<DeliveryStream> logger)
    {
        _settings = settings;
        _destination = destination;
        _functions = functions;
        _counters = counters;
        _time = time;
        _logger = logger;
        CreatedAt = time.GetUtcNow();
    }

    public DeliveryStreamSettings Settings => _settings;

    public DateTimeOffset CreatedAt { get; }

    public void Start()
    {
        _worker ??= DeliverAsync(_stopping.Token);
        _ticker ??= TickAsync(_stopping.Token);
    }

    /// <summary>Accepts records; returns their record ids, in order.</summary>
    public IReadOnlyList<string> Put(IReadOnlyList<byte[]> records)
    {
        var ids = new string[records.Count];
        var arrival = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long reads = 0;
        lock (_gate)
        {
            for (var i = 0; i < records.Count; i++)
            {
                var data = records[i];
                // Cut before the record that would overflow the buffer, so no invocation exceeds the hints.
                if (_buffer.Count > 0 && _bufferBytes + data.Length > _settings.BufferSizeBytes)
                {
                    CutLocked(null);
                }

                if (_buffer.Count == 0)
                {
                    _oldestTimestamp = _time.GetTimestamp();
                }

                var lines = JsonLines.Count(data);
                reads += lines;
                ids[i] = NextRecordId();
                _buffer.Add(new BufferedRecord(ids[i], arrival, data, lines));
                _bufferBytes += data.Length;
            }

            if (_bufferBytes >= _settings.BufferSizeBytes)
            {
                CutLocked(null);
            }
        }

        _counters.IntoFirehose(records.Count, reads);
        return ids;
    }

    /// <summary>Delivers whatever is buffered now and waits until it (and every earlier batch) has been delivered.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            CutLocked(done);
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    private void CutLocked(TaskCompletionSource? done)
    {
        var records = _buffer;
        _buffer = [];
        _bufferBytes = 0;
        if (records.Count > 0 || done is not null)
        {
            _batches.Writer.TryWrite(new Batch(records, done));
        }
    }

    private async Task TickAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    if (_buffer.Count > 0 && _time.GetElapsedTime(_oldestTimestamp) >= _settings.BufferInterval)
                    {
                        CutLocked(null);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task DeliverAsync(CancellationToken stopping)
    {
        await foreach (var batch in _batches.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                if (batch.Records.Count > 0)
                {
                    await DeliverBatchAsync(batch.Records, stopping).ConfigureAwait(false);
                }

                batch.Done?.TrySetResult();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopping: the buffered reads stay counted as buffered, never as delivered.
                batch.Done?.TrySetCanceled(stopping);
            }
#pragma warning disable CA1031 // One bad batch must not stop the stream; the failure is logged and its records kept.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogBatchFailed(_logger, ex, _settings.Name, batch.Records.Count);
                await KeepFailedAsync(batch.Records, "Firehose.InternalError", ex.Message, 1, stopping).ConfigureAwait(false);
                batch.Done?.TrySetResult();
            }
        }
    }

    private async Task DeliverBatchAsync(List<BufferedRecord> records, CancellationToken stopping)
    {
        var readsInBatch = records.Sum(r => r.Lines);
        if (_settings.ProcessorFunction is null)
        {
            var loaded = await LoadAsync(records.Select(r => r.Data), records, stopping).ConfigureAwait(false);
            _counters.Delivered(loaded.Loaded, loaded.Failed, 0, readsInBatch);
            return;
        }

        long failed = 0, dropped = 0, delivered = 0;
        // Keep each invocation under Lambda's 6 MB synchronous payload (base64 grows data by 4/3).
        foreach (var chunk in SplitForLambda(records))
        {
            var outcome = await TransformAsync(chunk, stopping).ConfigureAwait(false);
            failed += outcome.FailedReads;
            dropped += outcome.DroppedReads;
            if (outcome.Ok.Count > 0)
            {
                var loaded = await LoadAsync(outcome.Ok.Select(o => o.Data), outcome.Ok.Select(o => o.Source).ToList(), stopping).ConfigureAwait(false);
                delivered += loaded.Loaded;
                failed += loaded.Failed;
            }
        }

        _counters.Delivered(delivered, failed, dropped, readsInBatch);
        LogDelivered(_logger, _settings.Name, records.Count, delivered, failed, dropped);
    }

    private IEnumerable<List<BufferedRecord>> SplitForLambda(List<BufferedRecord> records)
    {
        var chunk = new List<BufferedRecord>();
        long bytes = 0;
        foreach (var record in records)
        {
            var size = (record.Data.Length * 4L / 3) + 200;
            if (chunk.Count > 0 && bytes + size > MaxLambdaPayloadBytes - 4096)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(record);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private async Task<TransformOutcome> TransformAsync(List<BufferedRecord> records, CancellationToken stopping)
    {
        var function = _settings.ProcessorFunction!;
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new TransformationEvent(
                Guid.NewGuid().ToString(),
                _settings.Arn,
                _settings.Region,
                [.. records.Select(r => new TransformationEventRecord(r.RecordId, r.ArrivalTimestamp, r.Data))]),
            FirehoseJsonContext.Default.TransformationEvent);

        var attempts = 0;
        string errorCode = "Lambda.FunctionError", errorMessage = string.Empty;
        while (attempts <= _settings.ProcessorRetries)
        {
            attempts++;
            _counters.TransformInvoked(retry: attempts > 1);
            if (_functions is null || !_functions.Exists(function))
            {
                errorCode = "Lambda.InvokeAccessDenied";
                errorMessage = $"The Lambda function {function} does not exist in the local stack.";
                break;
            }

            var result = await _functions.InvokeAsync(function, payload, null, stopping).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                errorCode = result.ErrorType == "Sandbox.Timedout" ? "Lambda.FunctionTimedOut" : "Lambda.FunctionError";
                errorMessage = "The Lambda function was successfully invoked but it returned an error result.";
                LogTransformFailed(_logger, _settings.Name, attempts, result.ErrorType ?? "unknown");
            }
            else if (TryMatch(records, result.Payload!, out var outcome, out errorCode, out errorMessage))
            {
                await KeepFailedAsync(outcome.Failed, "Lambda.ProcessingFailed", "The Lambda function returned ProcessingFailed for this record.", attempts, stopping)
                    .ConfigureAwait(false);
                return outcome;
            }
            else
            {
                LogTransformFailed(_logger, _settings.Name, attempts, errorCode);
            }

            if (attempts <= _settings.ProcessorRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempts), _time, stopping).ConfigureAwait(false);
            }
        }

        // Every attempt failed: the whole batch is unsuccessfully processed, as Firehose treats it.
        await KeepFailedAsync(records, errorCode, errorMessage, attempts, stopping).ConfigureAwait(false);
        return new TransformOutcome([], records, records.Sum(r => r.Lines), 0);
    }

    /// <summary>Checks the processor's answer the way Firehose does: every input recordId exactly once, a known
    /// result and base64 data for Ok records; anything else fails the whole invocation.</summary>
    private static bool TryMatch(List<BufferedRecord> records, string payload, out TransformOutcome outcome, out string errorCode, out string errorMessage)
    {
        outcome = new TransformOutcome([], [], 0, 0);
        TransformationResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(payload, FirehoseJsonContext.Default.TransformationResponse);
        }
        catch (JsonException ex)
        {
            errorCode = "Lambda.JsonProcessingException";
            errorMessage = $"The response from the Lambda function was not valid JSON: {ex.Message}";
            return false;
        }

        var byId = records.ToDictionary(r => r.RecordId, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ok = new List<(BufferedRecord, byte[])>();
        var failed = new List<BufferedRecord>();
        long failedReads = 0, droppedReads = 0;
        foreach (var record in response?.Records ?? [])
        {
            if (record.RecordId is null || !byId.TryGetValue(record.RecordId, out var source))
            {
                errorCode = "Lambda.MissingRecordId";
                errorMessage = "A record id in the response was not in the invocation.";
                return false;
            }

            if (!seen.Add(record.RecordId))
            {
                errorCode = "Lambda.DuplicatedRecordId";
                errorMessage = $"Record id {record.RecordId} was returned more than once.";
                return false;
            }

            switch (record.Result)
            {
                case "Ok":
                    byte[] data;
                    try
                    {
                        data = Convert.FromBase64String(record.Data ?? string.Empty);
                    }
                    catch (FormatException)
                    {
                        errorCode = "Lambda.InvalidBase64";
                        errorMessage = $"The data of record {record.RecordId} is not base64.";
                        return false;
                    }

                    ok.Add((source, data));
                    break;
                case "Dropped":
                    droppedReads += source.Lines;
                    break;
                case "ProcessingFailed":
                    failed.Add(source);
                    failedReads += source.Lines;
                    break;
                default:
                    errorCode = "Lambda.InvalidResult";
                    errorMessage = $"Record {record.RecordId} has result '{record.Result}', not Ok, Dropped or ProcessingFailed.";
                    return false;
            }
        }

        if (seen.Count != records.Count)
        {
            errorCode = "Lambda.MissingRecordId";
            errorMessage = $"The response returned {seen.Count} of {records.Count} record ids.";
            return false;
        }

        outcome = new TransformOutcome(ok, failed, failedReads, droppedReads);
        errorCode = errorMessage = string.Empty;
        return true;
    }

    private async Task<(long Loaded, long Failed)> LoadAsync(IEnumerable<byte[]> parts, IReadOnlyCollection<BufferedRecord> sources, CancellationToken stopping)
    {
        // Concatenate as Firehose stages the object for COPY, making sure each part ends its last line.
        using var staged = new MemoryStream();
        foreach (var part in parts)
        {
            staged.Write(part);
            if (part.Length > 0 && part[^1] != (byte)'\n')
            {
                staged.WriteByte((byte)'\n');
            }
        }

        var data = staged.GetBuffer().AsMemory(0, (int)staged.Length);
        Exception? last = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                return (await _destination.DeliverAsync(data, stopping).ConfigureAwait(false), 0);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                last = ex;
                LogLoadFailed(_logger, ex, _settings.Name, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), _time, stopping).ConfigureAwait(false);
            }
        }

        // The destination refused it for good: keep the source records, as Firehose keeps a failed COPY's manifest.
        await KeepFailedAsync(sources, "Redshift.CopyFailed", last!.Message, 3, stopping).ConfigureAwait(false);
        return (0, sources.Sum(r => r.Lines));
    }

    private async Task KeepFailedAsync(IReadOnlyCollection<BufferedRecord> records, string errorCode, string errorMessage, int attempts, CancellationToken stopping)
    {
        if (records.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var folder = Path.Combine(_settings.ProcessingFailedRoot, now.UtcDateTime.ToString("yyyy/MM/dd/HH", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{_settings.Name}-1-{now.UtcDateTime.ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture)}-{Guid.NewGuid()}");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        await using (stream.ConfigureAwait(false))
        {
            foreach (var record in records)
            {
                var line = new ProcessingFailedRecord(
                    attempts, record.ArrivalTimestamp, errorCode, errorMessage, now.ToUnixTimeMilliseconds(), record.Data, _settings.ProcessorArn ?? string.Empty);
                await JsonSerializer.SerializeAsync(stream, line, FirehoseJsonContext.Default.ProcessingFailedRecord, stopping).ConfigureAwait(false);
                stream.WriteByte((byte)'\n');
            }
        }

        LogKeptFailed(_logger, _settings.Name, records.Count, errorCode);
    }

    private string NextRecordId()
    {
        // Firehose record ids are long opaque strings; a sequence keeps them unique and ordered within the stream.
        var n = Interlocked.Increment(ref _sequence);
        return string.Create(CultureInfo.InvariantCulture, $"{_settings.IdPrefix}{n:D20}");
    }

    public async ValueTask DisposeAsync()
    {
        _batches.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { _worker, _ticker })
        {
            if (task is not null)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping.
                }
            }
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{StreamName}: {RecordCount} records → {Loaded} reads loaded, {Failed} failed, {Dropped} dropped")]
    private static partial void LogDelivered(ILogger logger, string streamName, int recordCount, long loaded, long failed, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{StreamName}: transformation attempt {Attempt} failed ({ErrorCode})")]
    private static partial void LogTransformFailed(ILogger logger, string streamName, int attempt, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{StreamName}: delivery attempt {Attempt} failed")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string streamName, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{StreamName}: kept {RecordCount} records under processing-failed ({ErrorCode})")]
    private static partial void LogKeptFailed(ILogger logger, string streamName, int recordCount, string errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "{StreamName}: a batch of {RecordCount} records failed unexpectedly")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string streamName, int recordCount);

    private sealed record Batch(List<BufferedRecord> Records, TaskCompletionSource? Done);

    private sealed record TransformOutcome(List<(BufferedRecord Source, byte[] Data)> Ok, IReadOnlyCollection<BufferedRecord> Failed, long FailedReads, long DroppedReads);
}

internal sealed record BufferedRecord(string RecordId, long ArrivalTimestamp, byte[] Data, long Lines);

/// <summary>A delivery stream's configuration, resolved from CreateDeliveryStream.</summary>
public sealed record DeliveryStreamSettings(
    string Name,
    string Arn,
    string Region,
    string DestinationKind,
    long BufferSizeBytes,
    TimeSpan BufferInterval,
    string? ProcessorFunction,
    string? ProcessorArn,
    int ProcessorRetries,
    string ProcessingFailedRoot,
    string IdPrefix,
    CreateDeliveryStreamInput Request);
