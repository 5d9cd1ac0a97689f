using BadgeFlow.Domain.Density;

namespace BadgeFlow.Domain.Tests.Density;

public sealed class ReportWindowTests
{
    private static readonly TimeSpan Fifteen = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Lag = TimeSpan.FromMinutes(7);

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    // 10:22 - 7 min = 10:15, exactly the end of [10:00, 10:15).
    [InlineData("2026-11-25T10:22:00Z", "2026-11-25T10:00:00Z", "2026-11-25T10:15:00Z")]
    // A late invocation at 10:36:59 still sees cutoff 10:29:59, inside [10:15, 10:30): the window that closed is [10:00, 10:15).
    [InlineData("2026-11-25T10:36:59Z", "2026-11-25T10:00:00Z", "2026-11-25T10:15:00Z")]
    // 10:21:59 - 7 min = 10:14:59: [10:00, 10:15) has not closed yet, so the previous one is reported.
    [InlineData("2026-11-25T10:21:59Z", "2026-11-25T09:45:00Z", "2026-11-25T10:00:00Z")]
    // Across midnight: 00:07 - 7 min = 00:00, the end of [23:45, 00:00) of the day before.
    [InlineData("2026-11-26T00:07:00Z", "2026-11-25T23:45:00Z", "2026-11-26T00:00:00Z")]
    // An offset time is converted to UTC first: 11:22+01:00 is 10:22Z.
    [InlineData("2026-11-25T11:22:00+01:00", "2026-11-25T10:00:00Z", "2026-11-25T10:15:00Z")]
    public void ClosedBefore_ScheduledTime_ReportsWindowThatClosedOneLagEarlier(string scheduled, string start, string end)
    {
        var window = ReportWindow.ClosedBefore(Utc(scheduled), Fifteen, Lag);

        Assert.Equal(Utc(start), window.Start);
        Assert.Equal(Utc(end), window.End);
        Assert.Equal(TimeSpan.Zero, window.Start.Offset);
    }

    [Fact]
    public void ClosedBefore_SameScheduledTimeTwice_SameWindow()
    {
        var first = ReportWindow.ClosedBefore(Utc("2026-11-25T10:52:00Z"), Fifteen, Lag);
        var retry = ReportWindow.ClosedBefore(Utc("2026-11-25T10:52:00Z"), Fifteen, Lag);

        Assert.Equal(first, retry);
    }

    [Fact]
    public void StartingAt_AlignedStart_WindowOfConfiguredLength()
    {
        var window = ReportWindow.StartingAt(Utc("2026-11-25T10:45:00Z"), Fifteen);

        Assert.Equal(Utc("2026-11-25T11:00:00Z"), window.End);
        Assert.Equal(Utc("2026-11-25T10:30:00Z"), window.Previous.Start);
        Assert.Equal(Utc("2026-11-25T10:45:00Z"), window.Previous.End);
    }

    [Theory]
    [InlineData("2026-11-25T10:05:00Z")]
    [InlineData("2026-11-25T10:00:01Z")]
    [InlineData("2026-11-25T10:00:00.5Z")]
    // 10:00+00:30 is 09:30Z: aligned to 15 minutes in UTC, so this one is fine; 10:00+00:20 is 09:40Z, which is not.
    [InlineData("2026-11-25T10:00:00+00:20")]
    public void StartingAt_MisalignedStart_Throws(string start)
    {
        var error = Assert.Throws<ArgumentException>(() => ReportWindow.StartingAt(Utc(start), Fifteen));

        Assert.Contains("not aligned", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartingAt_OffsetStartAlignedInUtc_Accepted()
    {
        var window = ReportWindow.StartingAt(Utc("2026-11-25T10:00:00+00:30"), Fifteen);

        Assert.Equal(Utc("2026-11-25T09:30:00Z"), window.Start);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-15)]
    [InlineData(7)] // 1440 / 7 is not whole
    [InlineData(2880)]
    public void ValidateLength_LengthNotDividingADay_Throws(int minutes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportWindow.ValidateLength(TimeSpan.FromMinutes(minutes)));
    }

    [Fact]
    public void ValidateLength_FractionalMinutes_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportWindow.ValidateLength(TimeSpan.FromSeconds(90)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(60)]
    [InlineData(1440)]
    public void ClosedBefore_OtherValidLengths_AlignedToUtcMidnight(int minutes)
    {
        var length = TimeSpan.FromMinutes(minutes);

        var window = ReportWindow.ClosedBefore(Utc("2026-11-25T13:37:42Z"), length, Lag);

        Assert.Equal(0, (window.Start - Utc("2026-11-25T00:00:00Z")).Ticks % length.Ticks);
        Assert.True(window.End <= Utc("2026-11-25T13:30:42Z"));
        Assert.True(window.End + length > Utc("2026-11-25T13:30:42Z"));
    }
}
