namespace BadgeFlow.Domain.Density;

/// <summary>A tumbling report window [Start, End), aligned to UTC midnight in steps of its length.</summary>
public readonly record struct ReportWindow
{
    private const int MinutesPerDay = 24 * 60;

    private ReportWindow(DateTimeOffset start, TimeSpan length)
    {
        Start = start;
        End = start + length;
    }

    /// <summary>Inclusive start, UTC.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Exclusive end, UTC.</summary>
    public DateTimeOffset End { get; }

    public TimeSpan Length => End - Start;

    /// <summary>The window just before this one, for the change against the previous window.</summary>
    public ReportWindow Previous => new(Start - Length, Length);

    /// <summary>
    /// The window that had closed <paramref name="deliveryLag"/> before <paramref name="scheduledTime"/>: a run scheduled at
    /// 10:22 with a 7-minute lag reports [10:00, 10:15). It is computed from the schedule's time, never the clock, so a
    /// retried or late invocation reports the same window.
    /// </summary>
    public static ReportWindow ClosedBefore(DateTimeOffset scheduledTime, TimeSpan length, TimeSpan deliveryLag)
    {
        ValidateLength(length);
        if (deliveryLag < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(deliveryLag), deliveryLag, "The delivery lag cannot be negative.");
        }

        var cutoff = scheduledTime.ToUniversalTime() - deliveryLag;
        var end = new DateTimeOffset(cutoff.Ticks - (cutoff.Ticks % length.Ticks), TimeSpan.Zero);
        return new ReportWindow(end - length, length);
    }

    /// <summary>The window starting at <paramref name="start"/> (backfill); the start must fall on a window boundary.</summary>
    public static ReportWindow StartingAt(DateTimeOffset start, TimeSpan length)
    {
        ValidateLength(length);
        var utc = start.ToUniversalTime();
        if (utc.Ticks % length.Ticks != 0)
        {
            throw new ArgumentException(
                $"The window start {utc:yyyy-MM-ddTHH:mm:ss.FFFFFFFZ} is not aligned to {length.TotalMinutes:0}-minute windows (UTC).",
                nameof(start));
        }

        return new ReportWindow(utc, length);
    }

    /// <summary>A window length must be whole minutes that divide a day, so windows align to UTC midnight.</summary>
    public static void ValidateLength(TimeSpan length)
    {
        if (length <= TimeSpan.Zero || length.Ticks % TimeSpan.TicksPerMinute != 0 || MinutesPerDay % (int)Math.Min(length.TotalMinutes, int.MaxValue) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The window length must be whole minutes that divide 1440.");
        }
    }

    public override string ToString() => $"[{Start:yyyy-MM-ddTHH:mm:ssZ}, {End:yyyy-MM-ddTHH:mm:ssZ})";
}
