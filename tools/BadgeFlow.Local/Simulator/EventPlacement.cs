namespace BadgeFlow.Local.Simulator;

/// <summary>
/// Where on the calendar a simulated event goes. The API accepts reads up to 24 h old and at most 5 min ahead of its own
/// clock, so an event played faster than real time is placed just behind now: it starts on a window boundary far enough
/// back that it has ended a window before now (the rule LOCAL-STACK.md gives the stack's virtual clock).
/// </summary>
public static class EventPlacement
{
    public static DateTimeOffset StartBehind(DateTimeOffset now, TimeSpan duration, TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        }

        if (duration + window >= TimeSpan.FromHours(23))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "An event placed in the past must fit in the API's 24-hour acceptance.");
        }

        var latest = now.ToUniversalTime() - duration - window;
        return new DateTimeOffset(latest.Ticks - (latest.Ticks % window.Ticks), TimeSpan.Zero);
    }
}
