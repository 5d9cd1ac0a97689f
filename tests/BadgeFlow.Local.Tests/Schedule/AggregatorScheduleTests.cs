using BadgeFlow.Local.Schedule;
using BadgeFlow.Local.Tests.Support;
using BadgeFlow.Local.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Local.Tests.Schedule;

public sealed class AggregatorScheduleTests
{
    private static readonly DateTimeOffset EventStart = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunDueAsync_ClockPastTwoMarks_InvokesWithEachScheduledTimeInOrder()
    {
        var clock = new VirtualClock(new FakeTimeProvider(), EventStart, speed: 0);
        var functions = new ScriptedFunctions().Answer(_ => ScriptedFunctions.Ok("{}"));
        await using var schedule = new AggregatorSchedule(
            clock,
            functions,
            new ScheduleSettings("Aggregator", TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(7), EventStart),
            NullLogger<AggregatorSchedule>.Instance);

        // 08:37 is the second window's mark ([08:15, 08:30) + 7 min); 08:52 is not reached.
        clock.AdvanceTo(new DateTimeOffset(2026, 11, 25, 8, 37, 0, TimeSpan.Zero));
        var runs = await schedule.RunDueAsync(CancellationToken.None);

        Assert.Equal(["""{"scheduledTime":"2026-11-25T08:22:00Z"}""", """{"scheduledTime":"2026-11-25T08:37:00Z"}"""], functions.Payloads.ToArray());
        Assert.Equal([EventStart, EventStart.AddMinutes(15)], runs.Select(r => r.WindowStart).ToArray());
        Assert.All(runs, r => Assert.True(r.Succeeded));
        Assert.Equal(EventStart.AddMinutes(30), schedule.NextWindowStart);
    }

    [Fact]
    public async Task RunDueAsync_CalledAgainWithoutTimePassing_RunsNothingTwice()
    {
        var clock = new VirtualClock(new FakeTimeProvider(), EventStart, speed: 0);
        var functions = new ScriptedFunctions().Answer(_ => ScriptedFunctions.Ok("{}"));
        await using var schedule = new AggregatorSchedule(
            clock, functions,
            new ScheduleSettings("Aggregator", TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(7), EventStart), NullLogger<AggregatorSchedule>.Instance);
        clock.AdvanceTo(EventStart.AddMinutes(22));

        await schedule.RunDueAsync(CancellationToken.None);
        var second = await schedule.RunDueAsync(CancellationToken.None);

        Assert.Empty(second);
        Assert.Single(functions.Payloads);
    }
}
