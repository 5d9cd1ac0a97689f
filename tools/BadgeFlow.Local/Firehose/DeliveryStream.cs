using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Firehose;

/// <summary>
/// One delivery stream, timed on the virtual clock as Firehose times it (<see cref="FirehoseTiming"/>): accepted records
/// are appended to the intake log, wait in the processor buffer until its size or interval hint, go through the Lambda
/// processor (a real Firehose transformation event), wait in the destination buffer until its hints, and are loaded by
/// a COPY that takes time, one at a time. Every stage keeps order, so "settled up to sequence n" is one number, the
/// intake log's checkpoint. Nothing is dropped: records the processor fails, or that cannot be loaded after bounded
/// retries, are written to the stream's processing-failed folder.
/// </summary>
/// <remarks>Each stage's moment is computed from the previous one's (a buffer cut by interval is cut at opened +
/// interval, a COPY starts when the previous one ends), not from when the pump happens to look, so the timeline does not
/// depend on how the virtual clock is stepped. The processor itself takes no virtual time.</remarks>
public sealed partial class DeliveryStream : IAsyncDisposable
{
    private const int MaxLambdaPayloadBytes = Domain.AwsQuotas.LambdaMaxSynchronousPayloadBytes;
    private static readonly TimeSpan PumpPeriod = TimeSpan.FromMilliseconds(10);

    private readonly DeliveryStreamSettings _settings;
    private readonly FirehoseTiming _timing;
    private readonly IDeliveryDestination _destination;
    private readonly IFunctionInvoker? _functions;
    private readonly PipelineCounters _counters;
    private readonly TimeProvider _clock;
    private readonly TimeProvider _real;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _stepping = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    // Guarded by _gate.
    private IntakeLog? _log;
    private List<BufferedRecord> _processorBuffer = [];
    private long _processorBytes;
    private DateTimeOffset _processorOpenedAt;
    private readonly Queue<ProcessorBatch> _toTransform = new();
    private long _sequence;
    private long _undeliveredBytes;
    private long _undeliveredRecords;

    // Touched only by the step (one at a time).
    private List<StagedPart> _destinationBuffer = [];
    private long _destinationBytes;
    private DateTimeOffset _destinationOpenedAt;
    private readonly Queue<CopyJob> _copies = new();
    private CopyJob? _copying;
    private DateTimeOffset _copyEndsAt;
    private DateTimeOffset _warehouseBusyUntil;
    private Task? _pump;
    private int _disposed;

    public DeliveryStream(
        DeliveryStreamSettings settings,
        FirehoseTiming timing,
        IDeliveryDestination destination,
        IFunctionInvoker? functions,
        PipelineCounters counters,
        TimeProvider clock,
        TimeProvider real,
        ILogger<DeliveryStream> logger)
    {
        _settings = settings;
        _timing = timing;
        _destination = destination;
        _functions = functions;
        _counters = counters;
        _clock = clock;
        _real = real;
        _logger = logger;
        CreatedAt = clock.GetUtcNow();
        _warehouseBusyUntil = CreatedAt;
    }

    public DeliveryStreamSettings Settings => _settings;

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Records accepted and not yet settled (loaded, or kept as failed).</summary>
    public long UndeliveredRecords
    {
        get { lock (_gate) { return _undeliveredRecords; } }
    }

    /// <summary>How far the oldest work that is due by the clock (a cut batch waiting for the processor, a full
    /// processor buffer past its interval) lags behind the clock: zero when the stream keeps up. A demo that plays
    /// faster than this machine can process waits on it, so Firehose's timing stays the modelled one.</summary>
    public TimeSpan ProcessingLag
    {
        get
        {
            var now = _clock.GetUtcNow();
            lock (_gate)
            {
                DateTimeOffset? oldest = _toTransform.TryPeek(out var waiting) ? waiting.CutAt : null;
                if (oldest is null && _processorBuffer.Count > 0 && _processorOpenedAt + _settings.ProcessorInterval <= now)
                {
                    oldest = _processorOpenedAt + _settings.ProcessorInterval;
                }

                return oldest is { } due && due < now ? now - due : TimeSpan.Zero;
            }
        }
    }

    /// <summary>Opens the intake log, takes back what an earlier process accepted and did not settle, and starts the
    /// pump that moves records along on the clock.</summary>
    public void Start()
    {
        Recover();
        _pump ??= PumpAsync(_stopping.Token);
    }

    /// <summary>Opens the intake log and takes back what it holds past its checkpoint (without starting the pump).</summary>
    public int Recover()
    {
        lock (_gate)
        {
            if (_log is not null)
            {
                return 0;
            }

            _log = IntakeLog.Open(_settings.IntakeRoot, 64L * 1024 * 1024, out var pending);
            _sequence = _log.LastSequence;
            long reads = 0;
            foreach (var record in pending)
            {
                var lines = JsonLines.Count(record.Data);
                reads += lines;
                AddToProcessorLocked(new BufferedRecord(RecordId(record.Sequence), record.Sequence, record.ArrivalTimestamp, record.Data, lines), _clock.GetUtcNow());
            }

            if (pending.Count > 0)
            {
                _counters.IntoFirehose(pending.Count, reads);
                LogRecovered(_logger, _settings.Name, pending.Count, reads);
            }

            return pending.Count;
        }
    }

    /// <summary>Accepts what fits under <see cref="FirehoseTiming.MaxUndeliveredBytes"/>, durably, in order; returns
    /// each record's id, or null for a record refused because too much is undelivered (ServiceUnavailableException).</summary>
    public IReadOnlyList<string?> Put(IReadOnlyList<byte[]> records)
    {
        var ids = new string?[records.Count];
        long reads = 0, accepted = 0;
        lock (_gate)
        {
            if (_log is null)
            {
                throw new InvalidOperationException("The delivery stream has not been started.");
            }

            var now = _clock.GetUtcNow();
            var arrival = now.ToUnixTimeMilliseconds();
            for (var i = 0; i < records.Count; i++)
            {
                var data = records[i];
                if (_undeliveredBytes > 0 && _undeliveredBytes + data.Length > _timing.MaxUndeliveredBytes)
                {
                    continue;
                }

                var sequence = ++_sequence;
                _log.Append(sequence, arrival, data);
                var lines = JsonLines.Count(data);
                reads += lines;
                accepted++;
                ids[i] = RecordId(sequence);
                AddToProcessorLocked(new BufferedRecord(ids[i]!, sequence, arrival, data, lines), now);
            }

            // Durable before the answer: what is acknowledged survives this process being killed.
            _log.Flush();
        }

        _counters.IntoFirehose(accepted, reads);
        return ids;
    }

    private void AddToProcessorLocked(BufferedRecord record, DateTimeOffset now)
    {
        _undeliveredBytes += record.Data.Length;
        _undeliveredRecords++;
        var limit = _settings.ProcessorFunction is null ? long.MaxValue : _settings.ProcessorBufferBytes;
        // Cut before the record that would overflow the buffer, so no invocation exceeds the hints.
        if (_processorBuffer.Count > 0 && _processorBytes + record.Data.Length > limit)
        {
            CutProcessorLocked(now);
        }

        if (_processorBuffer.Count == 0)
        {
            _processorOpenedAt = now;
        }

        _processorBuffer.Add(record);
        _processorBytes += record.Data.Length;
        if (_processorBytes >= limit || _settings.ProcessorFunction is null)
        {
            // Without a processor records go straight on to the destination buffer.
            CutProcessorLocked(now);
        }
    }

    private void CutProcessorLocked(DateTimeOffset at)
    {
        if (_processorBuffer.Count > 0)
        {
            _toTransform.Enqueue(new ProcessorBatch(_processorBuffer, at));
            _processorBuffer = [];
            _processorBytes = 0;
        }
    }

    /// <summary>Completes once nothing accepted is left undelivered (the clock must move for that to happen).</summary>
    public async Task WhenSettledAsync(CancellationToken cancellationToken)
    {
        while (UndeliveredRecords > 0)
        {
            await Task.Delay(PumpPeriod, _real, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Does everything that is due by the clock's now: cuts buffers whose interval has passed, runs the
    /// processor on cut batches, starts the next COPY and finishes the one whose time is up. The pump calls this; tests
    /// call it after moving a manual clock.</summary>
    public async Task StepAsync(CancellationToken cancellationToken)
    {
        await _stepping.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool progressed;
            do
            {
                progressed = false;
                var now = _clock.GetUtcNow();
                var batches = new List<ProcessorBatch>(_timing.ProcessorInvocations);
                lock (_gate)
                {
                    if (_processorBuffer.Count > 0 && _processorOpenedAt + _settings.ProcessorInterval <= now)
                    {
                        CutProcessorLocked(_processorOpenedAt + _settings.ProcessorInterval);
                    }

                    while (batches.Count < Math.Max(1, _timing.ProcessorInvocations) && _toTransform.TryDequeue(out var batch))
                    {
                        batches.Add(batch);
                    }
                }

                if (batches.Count > 0)
                {
                    // The invocations run side by side; their parts join the destination buffer in arrival order.
                    var parts = await Task.WhenAll(batches.Select(b => Task.Run(() => TransformBatchAsync(b, cancellationToken), cancellationToken))).ConfigureAwait(false);
                    for (var i = 0; i < parts.Length; i++)
                    {
                        AddToDestination(parts[i], batches[i].CutAt);
                    }

                    progressed = true;
                    continue;
                }

                if (_destinationBuffer.Count > 0 && _destinationOpenedAt + _settings.DestinationInterval <= now)
                {
                    CutDestination(_destinationOpenedAt + _settings.DestinationInterval);
                }

                if (_copying is null && _copies.TryDequeue(out var next))
                {
                    var start = next.CutAt > _warehouseBusyUntil ? next.CutAt : _warehouseBusyUntil;
                    _copying = next;
                    _copyEndsAt = next.Bytes == 0 || !_settings.ModelCopy
                        ? start
                        : start + _timing.CopyDuration(next.Bytes, start - _warehouseBusyUntil);
                    progressed = true;
                }

                if (_copying is { } job && _copyEndsAt <= now)
                {
                    await FinishCopyAsync(job, cancellationToken).ConfigureAwait(false);
                    if (job.Bytes > 0)
                    {
                        _warehouseBusyUntil = _copyEndsAt;
                    }

                    _copying = null;
                    progressed = true;
                }
            }
            while (progressed);
        }
        finally
        {
            _stepping.Release();
        }
    }

    /// <summary>When the COPY in progress ends, or null when none is; for the demo's view and tests.</summary>
    public DateTimeOffset? CopyEndsAt => _copying is null ? null : _copyEndsAt;

    private async Task PumpAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await StepAsync(stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // The pump must keep going; the failure is logged and the step retried on the next tick.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogStepFailed(_logger, ex, _settings.Name);
                }

                await Task.Delay(PumpPeriod, _real, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is not settled stays in the intake log for the next start.
        }
    }

    /// <summary>Runs the processor on one cut batch and returns what goes to the destination buffer (safe to run
    /// alongside another batch: it touches no buffer).</summary>
    private async Task<StagedPart> TransformBatchAsync(ProcessorBatch batch, CancellationToken stopping)
    {
        var records = batch.Records;
        var maxSequence = records[^1].Sequence;
        var sourceBytes = records.Sum(r => (long)r.Data.Length);
        if (_settings.ProcessorFunction is null)
        {
            return new StagedPart([.. records.Select(r => r.Data)], records, records.Sum(r => r.Lines), maxSequence, sourceBytes, records.Count);
        }

        long failed = 0, dropped = 0;
        var ok = new List<byte[]>();
        var okSources = new List<BufferedRecord>();
        long okReads = 0;
        try
        {
            // Keep each invocation under Lambda's 6 MB synchronous payload (base64 grows data by 4/3).
            foreach (var chunk in SplitForLambda(records))
            {
                var outcome = await TransformAsync(chunk, stopping).ConfigureAwait(false);
                failed += outcome.FailedReads;
                dropped += outcome.DroppedReads;
                foreach (var (source, data) in outcome.Ok)
                {
                    ok.Add(data);
                    okSources.Add(source);
                    okReads += source.Lines;
                }
            }
        }
#pragma warning disable CA1031 // One bad batch must not stop the stream; the failure is logged and its records kept.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            // One bad batch must not stop the stream, nor be skipped by the checkpoint: its records are kept as failed.
            LogBatchFailed(_logger, ex, _settings.Name, records.Count);
            await KeepFailedAsync(records, "Firehose.InternalError", ex.Message, 1, stopping).ConfigureAwait(false);
            (ok, okSources, okReads, failed, dropped) = ([], [], 0, records.Sum(r => r.Lines), 0);
        }

        _counters.Delivered(0, failed, dropped, failed + dropped);
        LogTransformed(_logger, _settings.Name, records.Count, okReads, failed, dropped);
        return new StagedPart(ok, okSources, okReads, maxSequence, sourceBytes, records.Count);
    }

    private void AddToDestination(StagedPart part, DateTimeOffset at)
    {
        // The interval may have run out before this part arrived: cut at that moment first.
        if (_destinationBuffer.Count > 0 && _destinationOpenedAt + _settings.DestinationInterval <= at)
        {
            CutDestination(_destinationOpenedAt + _settings.DestinationInterval);
        }

        var bytes = part.Parts.Sum(p => (long)p.Length);
        if (_destinationBuffer.Count > 0 && _destinationBytes + bytes > _settings.DestinationBufferBytes)
        {
            CutDestination(at);
        }

        if (_destinationBuffer.Count == 0)
        {
            _destinationOpenedAt = at;
        }

        _destinationBuffer.Add(part);
        _destinationBytes += bytes;
        if (_destinationBytes >= _settings.DestinationBufferBytes)
        {
            CutDestination(at);
        }
    }

    private void CutDestination(DateTimeOffset at)
    {
        if (_destinationBuffer.Count > 0)
        {
            _copies.Enqueue(new CopyJob(_destinationBuffer, _destinationBytes, at));
            _destinationBuffer = [];
            _destinationBytes = 0;
        }
    }

    private async Task FinishCopyAsync(CopyJob job, CancellationToken stopping)
    {
        long loaded = 0, failed = 0;
        if (job.Bytes > 0)
        {
            (loaded, failed) = await LoadAsync([.. job.Parts.SelectMany(p => p.Parts)], [.. job.Parts.SelectMany(p => p.Sources)], stopping).ConfigureAwait(false);
        }

        var reads = job.Parts.Sum(p => p.SourceReads);
        _counters.Delivered(loaded, failed, 0, reads);
        LogDelivered(_logger, _settings.Name, job.Parts.Count, loaded, failed);
        lock (_gate)
        {
            foreach (var part in job.Parts)
            {
                _undeliveredBytes -= part.SourceBytes;
            }

            _undeliveredRecords -= job.Parts.Sum(p => (long)p.RecordCount);
            _log?.Checkpoint(job.Parts[^1].MaxSequence);
        }
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
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempts), _real, stopping).ConfigureAwait(false);
            }
        }

        // Every attempt failed: the whole batch is unsuccessfully processed, as Firehose treats it.
        await KeepFailedAsync(records, errorCode, errorMessage, attempts, stopping).ConfigureAwait(false);
        return new TransformOutcome([], records, records.Sum(r => r.Lines), 0);
    }

    /// <summary>Checks the processor's answer the way Firehose does: every input recordId exactly once, a known
    /// result and base64 data for Ok records; anything else fails the whole invocation.</summary>
    private static bool TryMatch(List<BufferedRecord> records, byte[] payload, out TransformOutcome outcome, out string errorCode, out string errorMessage)
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

    private async Task<(long Loaded, long Failed)> LoadAsync(IReadOnlyList<byte[]> parts, IReadOnlyCollection<BufferedRecord> sources, CancellationToken stopping)
    {
        // Concatenate as Firehose stages the object for COPY, making sure each part ends its last line. Sized once (each
        // part plus a possible line break): growing from empty copied a multi-MB batch through the large-object heap.
        using var staged = new MemoryStream(checked(parts.Sum(p => p.Length + 1)));
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
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), _real, stopping).ConfigureAwait(false);
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

        var now = _clock.GetUtcNow();
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

    // Firehose record ids are long opaque strings; the sequence keeps them unique and ordered within the stream.
    private string RecordId(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{_settings.IdPrefix}{sequence:D20}");

    /// <summary>Stops the pump; what is not settled stays in the intake log for the next start on this directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        await _stepping.WaitAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _log?.Dispose();
        }

        _stopping.Dispose();
    }

    /// <summary>Stops the stream and removes its intake log: for DeleteDeliveryStream once everything is settled.</summary>
    internal async Task DeleteAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _log?.Delete();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{StreamName}: {RecordCount} records transformed → {Ok} reads Ok, {Failed} failed, {Dropped} dropped")]
    private static partial void LogTransformed(ILogger logger, string streamName, int recordCount, long ok, long failed, long dropped);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{StreamName}: COPY of {PartCount} parts → {Loaded} reads loaded, {Failed} failed")]
    private static partial void LogDelivered(ILogger logger, string streamName, int partCount, long loaded, long failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{StreamName}: took back {RecordCount} records ({ReadCount} reads) accepted before a restart and not yet delivered")]
    private static partial void LogRecovered(ILogger logger, string streamName, int recordCount, long readCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{StreamName}: transformation attempt {Attempt} failed ({ErrorCode})")]
    private static partial void LogTransformFailed(ILogger logger, string streamName, int attempt, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{StreamName}: delivery attempt {Attempt} failed")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string streamName, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{StreamName}: kept {RecordCount} records under processing-failed ({ErrorCode})")]
    private static partial void LogKeptFailed(ILogger logger, string streamName, int recordCount, string errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "{StreamName}: a batch of {RecordCount} records failed unexpectedly")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string streamName, int recordCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "{StreamName}: a delivery step failed unexpectedly; retrying")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string streamName);

    /// <summary>Records the processor buffer cut at <paramref name="CutAt"/>.</summary>
    private sealed record ProcessorBatch(List<BufferedRecord> Records, DateTimeOffset CutAt);

    /// <summary>What one processor batch leaves for the destination: the Ok data with its sources, and for settling, the
    /// batch's last sequence number, raw bytes and record count.</summary>
    private sealed record StagedPart(List<byte[]> Parts, List<BufferedRecord> Sources, long SourceReads, long MaxSequence, long SourceBytes, int RecordCount);

    /// <summary>A COPY: the destination buffer cut at <paramref name="CutAt"/>.</summary>
    private sealed record CopyJob(List<StagedPart> Parts, long Bytes, DateTimeOffset CutAt);

    private sealed record TransformOutcome(List<(BufferedRecord Source, byte[] Data)> Ok, IReadOnlyCollection<BufferedRecord> Failed, long FailedReads, long DroppedReads);
}

internal sealed record BufferedRecord(string RecordId, long Sequence, long ArrivalTimestamp, byte[] Data, long Lines);

/// <summary>A delivery stream's configuration, resolved from CreateDeliveryStream: the processor's buffering hints
/// (used only with a processor), the destination's, and whether loading is a COPY whose time is modelled (Redshift).</summary>
public sealed record DeliveryStreamSettings(
    string Name,
    string Arn,
    string Region,
    string DestinationKind,
    long ProcessorBufferBytes,
    TimeSpan ProcessorInterval,
    long DestinationBufferBytes,
    TimeSpan DestinationInterval,
    string? ProcessorFunction,
    string? ProcessorArn,
    int ProcessorRetries,
    string ProcessingFailedRoot,
    string IntakeRoot,
    string IdPrefix,
    CreateDeliveryStreamInput Request)
{
    public bool ModelCopy => DestinationKind == "Redshift";
}
