using System.Text.Json;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Tests.Support;

namespace BadgeFlow.Local.Tests.EndToEnd;

/// <summary>
/// Issue 10's case through the whole local stack: a COPY backlog (every COPY 10 virtual minutes late) keeps a window's
/// reads out of the warehouse when its scheduled run comes, so that run publishes the window PROVISIONAL; once Firehose
/// has delivered, the next scheduled run re-checks it and publishes exactly one correction (revision 2, superseding 1),
/// and the run after that publishes nothing more.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SlowCopyTests : IAsyncLifetime
{
    private const string Key = "slow-copy-key";
    private PipelineStack _pipeline = null!;

    // The Aggregator's watermark wait (120 s on AWS) is scaled as for a fast event, so a provisional run does not idle;
    // every COPY lands 10 virtual minutes late.
    public async Task InitializeAsync() => _pipeline = await PipelineStack.StartAsync(
        "slow-copy",
        new Dictionary<string, string> { ["venetian"] = Key },
        options => options with { FunctionTimeScale = 600, Firehose = new FirehoseTiming { CopyBacklog = TimeSpan.FromMinutes(10) } });

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task ScheduledRuns_CopyBacklog_ProvisionalReportThenExactlyOneCorrection()
    {
        var windowStart = PipelineStack.PreviousWindowStart();

        var reads = Enumerable.Range(0, 120).Select(i => new
        {
            sensorId = "venetian-l2-keynote-hall-d-s01",
            badgeId = $"SLOW-{i:D4}",
            readAt = PipelineStack.ReadAt(windowStart.AddSeconds(5 + (i * 7))),
            rssi = -60,
        }).ToList();
        Assert.Equal(200, (await _pipeline.PostReadsAsync(Key, reads)).Status);

        var mark = windowStart + TimeSpan.FromMinutes(15 + 7);
        var first = await _pipeline.RunScheduledAggregatorAsync(mark); // the reads are still in Firehose's buffers, their COPY 10 minutes away
        await _pipeline.DrainAsync();
        var next = await _pipeline.RunScheduledAggregatorAsync(mark + TimeSpan.FromMinutes(15));
        var after = await _pipeline.RunScheduledAggregatorAsync(mark + TimeSpan.FromMinutes(30));

        Assert.False(first.GetProperty("complete").GetBoolean());
        Assert.Equal(1, next.GetProperty("corrections").GetInt32());
        Assert.Equal(0, after.GetProperty("corrections").GetInt32());
        var windowReports = _pipeline.Published.Select(m => JsonDocument.Parse(m.MessageFor("sqs")).RootElement)
            .Where(r => r.GetProperty("window").GetProperty("start").GetDateTimeOffset() == windowStart)
            .ToArray();

        Assert.Equal(
            ["r1 provisional True reads 0", "r2 provisional False reads 120"],
            windowReports.Select(r =>
                $"r{r.GetProperty("revision").GetInt32()} provisional {r.GetProperty("completeness").GetProperty("provisional").GetBoolean()} reads {r.GetProperty("totals").GetProperty("reads").GetInt64()}"));
        Assert.Equal(1, windowReports[1].GetProperty("supersedes").GetProperty("revision").GetInt32());
        Assert.Equal(windowReports[0].GetProperty("figuresDigest").GetString(), windowReports[1].GetProperty("supersedes").GetProperty("figuresDigest").GetString());
    }
}
