namespace BadgeFlow.Local.Tests.Simulator;

/// <summary>
/// A clock that stands still and records every delay asked of it, firing each timer at once: retry and rate waits
/// become assertions instead of sleeps.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly List<TimeSpan> _delays = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<TimeSpan> Delays
    {
        get { lock (_gate) { return _delays.ToArray(); } }
    }

    public override DateTimeOffset GetUtcNow() => now;

    public override long GetTimestamp() => 0;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _delays.Add(dueTime);
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
