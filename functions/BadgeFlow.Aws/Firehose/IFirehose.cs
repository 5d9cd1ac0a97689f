namespace BadgeFlow.Aws.Firehose;

/// <summary>The Kinesis Data Firehose operations BadgeFlow calls.</summary>
public interface IFirehose
{
    /// <summary>PutRecordBatch: 1–500 records, at most 4 MiB in all. Whole-call throttling and 5xx are retried by the
    /// implementation; per-record failures come back in the result, in request order, for the caller to resend.</summary>
    Task<PutRecordBatchResult> PutRecordBatchAsync(string deliveryStreamName, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken);

    /// <summary>PutRecordBatch that starts no retry which could not finish before <paramref name="notAfter"/> (the
    /// caller's deadline); a null deadline leaves only the attempt limit and the token. Implementations that cannot
    /// honour a deadline fall back to the token alone.</summary>
    Task<PutRecordBatchResult> PutRecordBatchAsync(string deliveryStreamName, IReadOnlyList<ReadOnlyMemory<byte>> records, DateTimeOffset? notAfter, CancellationToken cancellationToken)
        => PutRecordBatchAsync(deliveryStreamName, records, cancellationToken);

    /// <summary>PutRecord: one record; returns its RecordId.</summary>
    Task<string> PutRecordAsync(string deliveryStreamName, ReadOnlyMemory<byte> record, CancellationToken cancellationToken);
}

/// <summary>One entry per request record, in request order.</summary>
public sealed record PutRecordBatchResult(int FailedPutCount, IReadOnlyList<PutRecordBatchEntry> Entries)
{
    /// <summary>HTTP attempts the call took (whole-call retries of throttling, 5xx and timeouts included).</summary>
    public int Attempts { get; init; } = 1;
}

public sealed record PutRecordBatchEntry(string? RecordId, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => ErrorCode is null;
}
