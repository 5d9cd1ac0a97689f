using BadgeFlow.Aws;
using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Domain.Packing;

namespace BadgeFlow.Producer;

/// <summary>What happened to each packed record of a request.</summary>
public sealed record DeliveryOutcome(
    IReadOnlyList<PackedRecord> Delivered,
    IReadOnlyList<(PackedRecord Record, string Reason)> Failed,
    int Retries)
{
    public long DeliveredBytes => Delivered.Sum(r => (long)r.Data.Length);
}

/// <summary>Sends packed records to Firehose: the batches concurrently; within a batch, only the records a partial
/// PutRecordBatch failure refused are sent again, a bounded number of rounds with backoff, and never a round that could
/// not finish before the deadline. Whatever is left is reported, never dropped silently.</summary>
public sealed class ReadDelivery
{
    private readonly IFirehose _firehose;
    private readonly string _deliveryStreamName;
    private readonly TimeProvider _time;
    private readonly AwsRetryPolicy _policy;

    /// <param name="policy">Rounds of partial-failure resends (<see cref="AwsRetryPolicy.MaxAttempts"/>), their
    /// backoff, and the time a round needs (<see cref="AwsRetryPolicy.MinimumAttemptTime"/>).</param>
    public ReadDelivery(IFirehose firehose, string deliveryStreamName, TimeProvider time, AwsRetryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(firehose);
        ArgumentException.ThrowIfNullOrWhiteSpace(deliveryStreamName);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(policy);
        _firehose = firehose;
        _deliveryStreamName = deliveryStreamName;
        _time = time;
        _policy = policy;
    }

    public async Task<DeliveryOutcome> DeliverAsync(IReadOnlyList<RecordBatch> batches, DateTimeOffset notAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var outcomes = await Task.WhenAll(batches.Select(b => DeliverBatchAsync(b.Records, notAfter, cancellationToken))).ConfigureAwait(false);
        return new DeliveryOutcome(
            [.. outcomes.SelectMany(o => o.Delivered)],
            [.. outcomes.SelectMany(o => o.Failed)],
            outcomes.Sum(o => o.Retries));
    }

    private async Task<DeliveryOutcome> DeliverBatchAsync(IReadOnlyList<PackedRecord> records, DateTimeOffset notAfter, CancellationToken cancellationToken)
    {
        var delivered = new List<PackedRecord>(records.Count);
        var pending = records;
        var reasons = new string[records.Count];
        var retries = 0;
        for (var round = 1; ; round++)
        {
            try
            {
                var result = await _firehose.PutRecordBatchAsync(_deliveryStreamName, [.. pending.Select(r => r.Data)], notAfter, cancellationToken).ConfigureAwait(false);
                retries += result.Attempts - 1;
                var stillPending = new List<PackedRecord>();
                var stillReasons = new List<string>();
                for (var i = 0; i < pending.Count; i++)
                {
                    var entry = result.Entries[i];
                    if (entry.Succeeded)
                    {
                        delivered.Add(pending[i]);
                    }
                    else
                    {
                        stillPending.Add(pending[i]);
                        stillReasons.Add(entry.ErrorCode!);
                    }
                }

                pending = stillPending;
                reasons = [.. stillReasons];
            }
            catch (AwsServiceException exception)
            {
                return Fail(delivered, pending, exception.ErrorCode, retries + exception.Attempts - 1);
            }
            catch (AwsTransportException exception)
            {
                return Fail(delivered, pending, exception.InnerException is TimeoutException ? "Timeout" : "ConnectionFailure", retries + exception.Attempts - 1);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Fail(delivered, pending, DeadlineExceeded, retries);
            }

            if (pending.Count == 0)
            {
                return new DeliveryOutcome(delivered, [], retries);
            }

            var delay = _policy.BackoffBefore(round + 1);
            if (round >= _policy.MaxAttempts || _time.GetUtcNow() + delay + _policy.MinimumAttemptTime > notAfter)
            {
                return new DeliveryOutcome(delivered, [.. pending.Select((r, i) => (r, reasons[i]))], retries);
            }

            retries++;
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new DeliveryOutcome(delivered, [.. pending.Select((r, i) => (r, reasons[i]))], retries);
            }
        }
    }

    /// <summary>The reason given for records still pending when the invocation ran out of time.</summary>
    public const string DeadlineExceeded = "DeadlineExceeded";

    private static DeliveryOutcome Fail(List<PackedRecord> delivered, IReadOnlyList<PackedRecord> pending, string reason, int retries)
        => new(delivered, [.. pending.Select(r => (r, reason))], retries);
}
