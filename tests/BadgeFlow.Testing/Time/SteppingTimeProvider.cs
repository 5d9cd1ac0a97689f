using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Testing.Time;

/// <summary>A <see cref="FakeTimeProvider"/> that moves only when someone waits on it: each <c>Task.Delay</c> is recorded
/// in <see cref="Waits"/> and advances the clock by its due time, so polling, backoff and rate waits run at once and
/// become assertions instead of sleeps. Other timers (a CancellationTokenSource timeout) fire as the clock passes them,
/// as on <see cref="FakeTimeProvider"/>.</summary>
public sealed class SteppingTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _waits = [];

    public SteppingTimeProvider()
    {
    }

    public SteppingTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>The delays asked for, in the order they were asked.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return [.. _waits];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);

        // Task.Delay(TimeSpan, TimeProvider, …) passes its own Task as the timer's state; a CancellationTokenSource
        // passes itself. Advance off this thread: the delay's task is not fully set up until CreateTimer returns.
        if (state is Task && dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _waits.Add(dueTime);
            }

            ThreadPool.QueueUserWorkItem(_ => Advance(dueTime));
        }

        return timer;
    }
}
