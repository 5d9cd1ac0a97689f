namespace BadgeFlow.Local.Firehose;

/// <summary>
/// How long the local Firehose takes, in virtual time (docs/LOCAL-STACK.md "Firehose timing"). The buffering hints are
/// what the local stack puts in its stream definition (defaults as template.yaml's ProcessorBufferSizeMBs,
/// ProcessorBufferIntervalSeconds, FirehoseBufferSizeMBs, FirehoseBufferIntervalSeconds); the COPY model and the intake
/// bound belong to the service. A read therefore waits up to the processor interval, then up to the destination
/// interval, then for its COPY: <c>cold wait (if the warehouse idled 10+ minutes) + base + per-MiB × size + backlog</c>,
/// one COPY at a time per stream, so a slow COPY makes the next ones queue.
/// </summary>
public sealed record FirehoseTiming
{
    /// <summary>Without a COPY for this long, the warehouse (a Serverless workgroup) has gone cold.</summary>
    public static readonly TimeSpan WarehouseIdleAfter = TimeSpan.FromMinutes(10);

    /// <summary>Buffer before invoking Transform, MiB (template default 0.3).</summary>
    public double ProcessorBufferSizeMiB { get; init; } = 0.3;

    public TimeSpan ProcessorBufferInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Buffer of transformed data before a COPY, MiB (template default 128).</summary>
    public int DestinationBufferSizeMiB { get; init; } = 128;

    public TimeSpan DestinationBufferInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary><c>--copy-base-seconds</c>: every COPY takes at least this (planning, S3 listing, commit).</summary>
    public TimeSpan CopyBase { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>--copy-seconds-per-mb</c>: and this much more per MiB staged.</summary>
    public TimeSpan CopyPerMiB { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>--cold-warehouse-seconds</c>: the first COPY after <see cref="WarehouseIdleAfter"/> without one first
    /// waits this long (a Serverless workgroup waking).</summary>
    public TimeSpan ColdWarehouse { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--copy-backlog-seconds</c>: added to every COPY, to make a backlog (tests, the demo).</summary>
    public TimeSpan CopyBacklog { get; init; } = TimeSpan.Zero;

    /// <summary>Accepted bytes not yet settled past which PutRecordBatch answers ServiceUnavailableException for the
    /// records it cannot take: the bound on what the local Firehose holds in memory. Above the destination buffer, so
    /// the size threshold stays reachable.</summary>
    public long MaxUndeliveredBytes { get; init; } = 192L * 1024 * 1024;

    /// <summary>Processor invocations in flight at once per stream (Firehose invokes a processor concurrently; the
    /// local stack runs this many Transform processes). Results are applied in arrival order whatever order they
    /// finish in, so the destination sees records as they were accepted.</summary>
    public int ProcessorInvocations { get; init; } = 2;

    /// <summary>How long one COPY of <paramref name="bytes"/> takes once it starts, after <paramref name="idle"/>
    /// without a COPY.</summary>
    public TimeSpan CopyDuration(long bytes, TimeSpan idle) =>
        (idle >= WarehouseIdleAfter ? ColdWarehouse : TimeSpan.Zero)
        + CopyBase
        + TimeSpan.FromTicks((long)(CopyPerMiB.Ticks * (bytes / (1024.0 * 1024))))
        + CopyBacklog;
}
