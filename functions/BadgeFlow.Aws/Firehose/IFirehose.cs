namespace BadgeFlow.Aws.Firehose;

/// <summary>The Kinesis Data Firehose operations BadgeFlow calls.</summary>
public interface IFirehose
{
    /// <summary>PutRecordBatch: 1–500 records, at most 4 MiB in all. Whole-call throttling and 5xx are retried by the
    /// implementation; per-record failures come back in the result, in request order, for the caller to resend.</summary>
    Task<PutRecordBatchResult> PutRecordBatchAsync(string deliveryStreamName, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken);

    /// <summary>PutRecord: one record; returns its RecordId.</summary>
    Task<string> PutRecordAsync(string deliveryStreamName, ReadOnlyMemory<byte> record, CancellationToken cancellationToken);
}

/// <summary>One entry per request record, in request order.</summary>
public sealed record PutRecordBatchResult(int FailedPutCount, IReadOnlyList<PutRecordBatchEntry> Entries);

public sealed record PutRecordBatchEntry(string? RecordId, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => ErrorCode is null;
}
