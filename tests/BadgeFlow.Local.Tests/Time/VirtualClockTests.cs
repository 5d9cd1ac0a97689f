using BadgeFlow.Local.Time;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Local.Tests.Time;

public sealed class VirtualClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GetUtcNow_SpeedSixty_OneRealSecondIsOneSimulatedMinute()
    {
        var real = new FakeTimeProvider();
        var clock = new VirtualClock(real, Start, speed: 60);

        real.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Start.AddMinutes(1), clock.GetUtcNow());
    }

    [Fact]
    public void Speed_ChangedMidway_NoJumpAndNewRateAfterwards()
    {
        var real = new FakeTimeProvider();
        var clock = new VirtualClock(real, Start, speed: 60);
        real.Advance(TimeSpan.FromSeconds(2));

        clock.Speed = 1;
        real.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(Start.AddMinutes(2).AddSeconds(30), clock.GetUtcNow());
    }

    [Fact]
    public void AdvanceTo_EarlierTime_Ignored()
    {
        var real = new FakeTimeProvider();
        var clock = new VirtualClock(real, Start, speed: 0);

        clock.AdvanceTo(Start.AddMinutes(10));
        clock.AdvanceTo(Start.AddMinutes(5));

        Assert.Equal(Start.AddMinutes(10), clock.GetUtcNow());
    }

    [Fact]
    public void DefaultVirtualStart_TwoHourEvent_QuarterHourBoundaryLeavingEightWindowsBeforeNow()
    {
        var now = new DateTimeOffset(2026, 11, 25, 22, 41, 13, TimeSpan.Zero);

        var start = LocalStack.DefaultVirtualStart(now, TimeSpan.FromHours(2));

        // now − 2 h − 15 min = 20:26:13, down to the quarter hour: 20:15; eight windows end at 22:15, before 22:41.
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 20, 15, 0, TimeSpan.Zero), start);
    }
}
