using System.Collections.Concurrent;

namespace BadgeFlow.Local;

/// <summary>What the local stack saw, for the demo's closing account. Thread-safe; <see cref="Snapshot"/> is a copy.</summary>
public sealed class PipelineCounters
{
    private readonly ConcurrentDictionary<int, long> _apiByStatus = new();
    private long _apiRequests;
    private long _recordsIntoFirehose;
    private long _readsIntoFirehose;
    private long _readsLoaded;
    private long _readsFailed;
    private long _readsDropped;
    private long _readsBuffered;
    private long _transformInvocations;
    private long _transformRetries;

    internal void ApiRequest(int statusCode)
    {
        Interlocked.Increment(ref _apiRequests);
        _apiByStatus.AddOrUpdate(statusCode, 1, static (_, n) => n + 1);
    }

    internal void IntoFirehose(long records, long reads)
    {
        Interlocked.Add(ref _recordsIntoFirehose, records);
        Interlocked.Add(ref _readsIntoFirehose, reads);
        Interlocked.Add(ref _readsBuffered, reads);
    }

    /// <summary>A batch left the buffer: its reads are now loaded, failed or dropped.</summary>
    internal void Delivered(long loaded, long failed, long dropped, long readsInBatch)
    {
        Interlocked.Add(ref _readsLoaded, loaded);
        Interlocked.Add(ref _readsFailed, failed);
        Interlocked.Add(ref _readsDropped, dropped);
        Interlocked.Add(ref _readsBuffered, -readsInBatch);
    }

    internal void TransformInvoked(bool retry)
    {
        Interlocked.Increment(ref _transformInvocations);
        if (retry)
        {
            Interlocked.Increment(ref _transformRetries);
        }
    }

    public PipelineCountersSnapshot Snapshot() => new(
        Interlocked.Read(ref _apiRequests),
        new Dictionary<int, long>(_apiByStatus),
        Interlocked.Read(ref _recordsIntoFirehose),
        Interlocked.Read(ref _readsIntoFirehose),
        Interlocked.Read(ref _readsLoaded),
        Interlocked.Read(ref _readsFailed),
        Interlocked.Read(ref _readsDropped),
        Interlocked.Read(ref _readsBuffered),
        Interlocked.Read(ref _transformInvocations),
        Interlocked.Read(ref _transformRetries));
}

/// <summary>Counts at one moment. Reads are NDJSON/CSV lines: the Producer packs several into one Firehose record.</summary>
public sealed record PipelineCountersSnapshot(
    long ApiRequests,
    IReadOnlyDictionary<int, long> ApiRequestsByStatus,
    long RecordsIntoFirehose,
    long ReadsIntoFirehose,
    long ReadsLoaded,
    long ReadsFailed,
    long ReadsDropped,
    long ReadsBuffered,
    long TransformInvocations,
    long TransformRetries);
