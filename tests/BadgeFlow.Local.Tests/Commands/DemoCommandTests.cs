using BadgeFlow.Local.Commands;

namespace BadgeFlow.Local.Tests.Commands;

/// <summary>How many reports the demo requires: one per 15-minute window of the event, however long it is.</summary>
public sealed class DemoCommandTests
{
    [Theory]
    [InlineData(15, 1)]
    [InlineData(20, 2)] // the second window holds the event's last five minutes and is reported too
    [InlineData(30, 2)]
    [InlineData(120, 8)]
    [InlineData(600, 40)]
    public void EventWindows_EventMinutes_OneReportPerWindow(int minutes, int expected) =>
        Assert.Equal(expected, DemoCommand.EventWindows(TimeSpan.FromMinutes(minutes), TimeSpan.FromMinutes(15)));
}
