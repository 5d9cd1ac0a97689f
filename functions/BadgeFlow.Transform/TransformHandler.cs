using System.Buffers;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Transform;

/// <summary>Settings of <see cref="TransformHandler"/>.</summary>
/// <param name="MetricsNamespace">CloudWatch namespace of the EMF metrics (<c>METRICS_NAMESPACE</c>).</param>
/// <param name="MaxResponseBytes">Upper bound of the response; Lambda's synchronous limit unless a test or benchmark
/// needs another.</param>
public sealed record TransformOptions(string MetricsNamespace = "BadgeFlow", long MaxResponseBytes = Domain.AwsQuotas.LambdaMaxSynchronousPayloadBytes);

/// <summary>Firehose's data-transformation function: one result per input record, in order, never an exception for the
/// batch (a thrown error would make Firehose retry, then fail, every record of it, good ones included).</summary>
public sealed class TransformHandler : ILambdaHandler<FirehoseTransformationEvent, FirehoseTransformationResponse>
{
    private const string NotBase64 = "is not valid base64";
    private const string OverResponseLimit = "does not fit in the 6 MB Lambda response with the records before it";

    private readonly BadgeReadTransformer _transformer;
    private readonly TransformOptions _options;
    private readonly TextWriter _metricsOutput;
    private readonly TimeProvider _timeProvider;

    public TransformHandler(BadgeReadTransformer transformer, TransformOptions options, TextWriter metricsOutput, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metricsOutput);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _transformer = transformer;
        _options = options;
        _metricsOutput = metricsOutput;
        _timeProvider = timeProvider;
    }

    public Task<FirehoseTransformationResponse> HandleAsync(FirehoseTransformationEvent request, LambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var records = request?.Records ?? [];
        var log = context.Logger;
        var results = new List<FirehoseTransformationResult>(records.Count);
        var budget = new ResponseBudget(_options.MaxResponseBytes, records.ConvertAll(r => r.RecordId ?? string.Empty));
        var tally = default(Tally);
        HashSet<string>? unmappedSensors = null;
        var skippedByReason = new SortedDictionary<string, int>(StringComparer.Ordinal);

        var maxData = 0;
        foreach (var record in records)
        {
            maxData = Math.Max(maxData, record.Data?.Length ?? 0);
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(256, (maxData / 4 * 3) + 3));
        using var output = new PooledBufferWriter(Math.Max(4096, maxData * 2));
        using var writer = BadgeReadTransformer.CreateWriter(output);
        try
        {
            foreach (var record in records)
            {
                var recordId = record.RecordId ?? string.Empty;
                output.Clear();
                writer.Reset(output);
                RecordOutcome outcome;
                if (!Convert.TryFromBase64String(record.Data ?? string.Empty, decoded, out var length))
                {
                    outcome = new RecordOutcome(RecordStatus.Failed, 0, 0, new RecordFailure(0, "data", NotBase64));
                }
                else
                {
                    try
                    {
                        outcome = _transformer.Transform(
                            decoded.AsSpan(0, length), ArrivalTime(record), output, writer, unmappedSensors ??= new(StringComparer.Ordinal),
                            skippedByReason);
                    }
#pragma warning disable CA1031 // One record's unforeseen fault must not fail the batch: it fails that record alone.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        log.Error("Record {RecordId} failed with {ExceptionType}", recordId, e.GetType().FullName);
                        outcome = new RecordOutcome(RecordStatus.Failed, 0, 0, new RecordFailure(0, "record", "caused an internal error"));
                    }
                }

                results.Add(Complete(recordId, outcome, output, budget, ref tally, log));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }

        log.Information(
            "Transformed {RecordCount} records: {OkCount} ok, {DroppedCount} dropped, {FailedCount} failed; {ReadCount} reads, {UnmappedReadCount} from unmapped sensors",
            records.Count, tally.Ok, tally.Dropped, tally.Failed, tally.Reads, tally.UnmappedReads);
        if (tally.UnmappedReads > 0)
        {
            // Sensor IDs are equipment names, not personal data: naming them tells operators what campus.json lacks.
            log.Warning(
                "{UnmappedReadCount} reads came from sensors missing from the campus registry: {UnmappedSensors}",
                tally.UnmappedReads, string.Join(", ", unmappedSensors!.Order(StringComparer.Ordinal)));
        }

        if (tally.SkippedLines > 0)
        {
            // Reasons are the validation's fixed texts: they never hold a line's content.
            log.Warning(
                "Skipped {SkippedLineCount} invalid agent lines and loaded the valid lines of their records: {SkippedReasons}",
                tally.SkippedLines, string.Join("; ", skippedByReason.Select(r => $"{r.Key}: {r.Value}")));
        }

        var metrics = new EmfMetrics(_options.MetricsNamespace, _timeProvider, ("FunctionName", "Transform"));
        metrics.SetProperty("requestId", context.AwsRequestId);
        metrics.Count("RecordsOk", tally.Ok);
        metrics.Count("RecordsDropped", tally.Dropped);
        metrics.Count("RecordsFailed", tally.Failed);
        metrics.Count("RecordsOverResponseLimit", tally.OverLimit);
        metrics.Count("Reads", tally.Reads);
        metrics.Count("UnmappedReads", tally.UnmappedReads);
        metrics.Count("SkippedLines", tally.SkippedLines);
        metrics.Bytes("ResponseBytes", budget.Committed);
        metrics.Flush(_metricsOutput);

        return Task.FromResult(new FirehoseTransformationResponse { Records = results });
    }

    private static FirehoseTransformationResult Complete(
        string recordId, RecordOutcome outcome, PooledBufferWriter output, ResponseBudget budget, ref Tally tally, JsonLogger log)
    {
        switch (outcome.Status)
        {
            case RecordStatus.Ok:
                var data = Convert.ToBase64String(output.WrittenSpan);
                if (budget.TryCommitDataEntry(recordId, data))
                {
                    tally.Ok++;
                    tally.Reads += outcome.Reads;
                    tally.UnmappedReads += outcome.UnmappedReads;
                    tally.SkippedLines += outcome.SkippedLines;
                    return new FirehoseTransformationResult { RecordId = recordId, Result = FirehoseRecordResult.Ok, Data = data };
                }

                // Failed, not dropped: Firehose keeps a failed record under its error prefix, so the reads can be replayed.
                tally.Failed++;
                tally.OverLimit++;
                log.Warning("Record {RecordId} failed: it {Reason}", recordId, OverResponseLimit);
                budget.CommitSmallEntry(recordId);
                return new FirehoseTransformationResult { RecordId = recordId, Result = FirehoseRecordResult.ProcessingFailed };

            case RecordStatus.Empty:
                tally.Dropped++;
                tally.SkippedLines += outcome.SkippedLines;
                budget.CommitSmallEntry(recordId);
                return new FirehoseTransformationResult { RecordId = recordId, Result = FirehoseRecordResult.Dropped };

            default:
                tally.Failed++;
                var failure = outcome.Failure ?? new RecordFailure(0, "record", "could not be read");
                log.Warning(
                    "Record {RecordId} failed at line {Line}: {Field} {Reason}", recordId, failure.Line, failure.Field, failure.Reason);
                budget.CommitSmallEntry(recordId);
                return new FirehoseTransformationResult { RecordId = recordId, Result = FirehoseRecordResult.ProcessingFailed };
        }
    }

    private DateTimeOffset ArrivalTime(FirehoseTransformationRecord record) =>
        record.ApproximateArrivalTimestamp > 0 ? record.ApproximateArrivalTime : _timeProvider.GetUtcNow();

    private struct Tally
    {
        public int Ok;
        public int Dropped;
        public int Failed;
        public int OverLimit;
        public long Reads;
        public long UnmappedReads;
        public long SkippedLines;
    }
}
