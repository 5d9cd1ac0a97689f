namespace BadgeFlow.Local.Simulator;

/// <summary>
/// Spaces requests so that reads leave at most at a chosen rate on average: each batch reserves its share of time on a
/// shared schedule and waits for its turn. A rate of 0 or less does not limit.
/// </summary>
public sealed class ReadRateLimiter(TimeProvider time, double readsPerSecond)
{
    private readonly Lock _gate = new();
    private long _nextFree = time.GetTimestamp();

    public double ReadsPerSecond => readsPerSecond;

    public async Task WaitAsync(int reads, CancellationToken cancellationToken)
    {
        if (readsPerSecond <= 0 || reads <= 0)
        {
            return;
        }

        long start;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            start = Math.Max(now, _nextFree);
            _nextFree = start + (long)(reads / readsPerSecond * time.TimestampFrequency);
        }

        var wait = time.GetElapsedTime(time.GetTimestamp(), start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
