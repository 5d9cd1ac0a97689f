namespace BadgeFlow.Local.Time;

/// <summary>Simulated time: <c>start + speed × real elapsed</c>, rebased whenever the speed changes so it never jumps.
/// The functions keep the real clock; only the simulator and the schedule read this one.</summary>
public sealed class VirtualClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly Lock _gate = new();
    private DateTimeOffset _baseVirtual;
    private long _baseTimestamp;
    private double _speed;

    public VirtualClock(TimeProvider real, DateTimeOffset start, double speed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(speed);
        _real = real;
        _baseVirtual = start;
        _baseTimestamp = real.GetTimestamp();
        _speed = speed;
        Start = start;
    }

    /// <summary>Virtual time when the clock was created.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Simulated seconds per real second; 0 pauses the clock.</summary>
    public double Speed
    {
        get { lock (_gate) { return _speed; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_gate)
            {
                Rebase();
                _speed = value;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return Now();
        }
    }

    /// <summary>Jumps forward to <paramref name="time"/>; earlier times are ignored (time never runs backwards).</summary>
    public void AdvanceTo(DateTimeOffset time)
    {
        lock (_gate)
        {
            Rebase();
            if (time > _baseVirtual)
            {
                _baseVirtual = time;
            }
        }
    }

    /// <summary>Completes once virtual time has reached <paramref name="time"/>.</summary>
    public async Task WhenAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = Now();
                if (now >= time)
                {
                    return;
                }

                // Sleep for the real time the gap takes at the current speed, but wake often enough to notice a new
                // speed or a jump (AdvanceTo) made meanwhile.
                var real = _speed > 0 ? TimeSpan.FromTicks((long)((time - now).Ticks / _speed)) : TimeSpan.MaxValue;
                wait = real < TimeSpan.FromMilliseconds(50) ? real : TimeSpan.FromMilliseconds(50);
            }

            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, _real, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private DateTimeOffset Now() =>
        _baseVirtual + TimeSpan.FromTicks((long)(_real.GetElapsedTime(_baseTimestamp).Ticks * _speed));

    private void Rebase()
    {
        _baseVirtual = Now();
        _baseTimestamp = _real.GetTimestamp();
    }
}
