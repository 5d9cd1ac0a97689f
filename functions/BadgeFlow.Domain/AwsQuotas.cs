namespace BadgeFlow.Domain;

/// <summary>The AWS service quotas the code sizes its work by, in one place. All are hard limits (they cannot be
/// raised), so they are constants rather than settings.
/// Firehose: https://docs.aws.amazon.com/firehose/latest/dev/limits.html ("Amazon Data Firehose Quota") and the
/// PutRecordBatch API reference; Lambda: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
/// ("Invocation payload (request and response)").</summary>
public static class AwsQuotas
{
    /// <summary>Firehose: the largest record, before base64 encoding (1,000 KiB).</summary>
    public const int FirehoseMaxRecordBytes = 1000 * 1024;

    /// <summary>Firehose PutRecordBatch: records per call.</summary>
    public const int FirehoseMaxBatchRecords = 500;

    /// <summary>Firehose PutRecordBatch: bytes per call (4 MiB). Applied to the records' bytes before base64; with the
    /// Producer's default record size the 500-record limit binds first (500 × 5100 B ≈ 2.4 MiB, ≈ 3.3 MiB as base64).</summary>
    public const int FirehoseMaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>Lambda: a synchronous invocation's request and its response, each (6 MB, enforced as 6 MiB). Firehose
    /// invokes its data-transformation function synchronously, and API Gateway its proxy integration.</summary>
    public const int LambdaMaxSynchronousPayloadBytes = 6 * 1024 * 1024;
}
