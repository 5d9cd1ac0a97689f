using System.Text.Json;
using BadgeFlow.Testing.Scripted;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Runtime.Tests;

public sealed class LambdaContextTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RemainingTime_ClockMoves_CountsDownToZeroNeverBelow()
    {
        var clock = new FakeTimeProvider(Start);
        var context = new LambdaContext("req-1", "arn:fn", null, Start.AddSeconds(5), clock, new JsonLogger(TextWriter.Null));

        Assert.Equal(TimeSpan.FromSeconds(5), context.RemainingTime);
        clock.Advance(TimeSpan.FromMilliseconds(4750));
        Assert.Equal(TimeSpan.FromMilliseconds(250), context.RemainingTime);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, context.RemainingTime);
    }

    [Fact]
    public void Logger_AnyLine_IsBoundToRequestId()
    {
        var output = new StringWriter();
        var context = new LambdaContext("req-7", "arn:fn", "Root=1-x", Start, new FakeTimeProvider(Start), new JsonLogger(output));

        context.Logger.Information("Published report for window {WindowStart}", "2026-11-25T10:00:00Z");

        using var line = JsonDocument.Parse(output.ToString());
        Assert.Equal("req-7", line.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("Root=1-x", context.TraceId);
    }
}
