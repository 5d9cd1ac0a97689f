using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Tests.Support;

namespace BadgeFlow.Local.Tests.EndToEnd;

/// <summary>The whole local stack with the real functions: reads in through the sensor API, through Producer, Firehose
/// and Transform into the warehouse, and a density report out through the Aggregator and SNS.</summary>
[Trait("Category", "Integration")]
public sealed class PipelineTests : IAsyncLifetime
{
    private PipelineStack _pipeline = null!;

    private LocalStack Stack => _pipeline.Stack;

    public async Task InitializeAsync() =>
        _pipeline = await PipelineStack.StartAsync("e2e", new Dictionary<string, string> { ["venetian"] = "e2e-key", ["mgm"] = "e2e-mgm-key" });

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task PostReads_ValidAndInvalid_ValidOnesLoadedPseudonymizedAndReportedThroughSns()
    {
        // The Producer checks readAt against the receive time (virtual time, started at real time), so the reads are
        // placed in the window before the current one on the real clock.
        var windowStart = PipelineStack.PreviousWindowStart();
        var reads = Enumerable.Range(0, 999).Select(i => new
        {
            sensorId = i % 2 == 0 ? "venetian-l2-keynote-hall-d-s01" : "venetian-l2-keynote-hall-d-s02",
            badgeId = $"BADGE-{i % 250:D4}",
            readAt = PipelineStack.ReadAt(windowStart.AddSeconds(10 + (i % 800))),
            rssi = -60,
        }).Cast<object>().ToList();
        reads.Add(new { sensorId = "bad sensor id!", badgeId = "BADGE-9999", readAt = windowStart.AddSeconds(5).ToString("O"), rssi = -60 });
        foreach (var chunk in reads.Chunk(500))
        {
            var (status, answer) = await _pipeline.PostReadsAsync("e2e-key", chunk);
            Assert.True(status is 200 or 207, $"{status}: {answer}");
        }

        // Through Transform's buffer, the destination's and a COPY, with virtual time pushed along.
        await _pipeline.DrainAsync();

        var counters = Stack.Counters.Snapshot();
        Assert.Equal(999, counters.ReadsIntoFirehose);
        Assert.Equal(999, counters.ReadsLoaded);
        Assert.Equal(0, counters.ReadsFailed);
        var rows = Stack.Warehouse.Execute("SELECT badge_hash, zone_id FROM badge_reads", []);
        Assert.Equal(999, rows.Records.Count);
        Assert.DoesNotContain(rows.Records, r => r[0].StringValue!.StartsWith("BADGE-", StringComparison.Ordinal));
        Assert.Equal(250, rows.Records.Select(r => r[0].StringValue).Distinct().Count());
        Assert.All(rows.Records, r => Assert.Equal("venetian-l2-keynote-hall-d", r[1].StringValue));

        var report = await Stack.Functions.InvokeAsync(
            "Aggregator", $$"""{"windowStart":"{{windowStart.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}""", CancellationToken.None);
        Assert.True(report.Succeeded, report.ErrorJson);
        var message = Assert.Single(_pipeline.Published);

        Assert.Equal(Stack.TopicArn, message.TopicArn);
        Assert.Equal("json", message.MessageStructure);
        Assert.Contains("venetian-l2-keynote-hall-d", message.MessageFor("https"), StringComparison.Ordinal);
        var delivered = Assert.Single(await File.ReadAllLinesAsync(Path.Combine(_pipeline.WorkingDirectory, "reports.ndjson")));
        Assert.Equal(message.MessageId, JsonDocument.Parse(delivered).RootElement.GetProperty("MessageId").GetString());
    }

    [Fact]
    public async Task ScheduledRuns_RerunAndLateRead_RerunPublishesNothingNextRunPublishesOneCorrection()
    {
        var windowStart = PipelineStack.PreviousWindowStart();

        async Task PostAsync(int from, int count)
        {
            var reads = Enumerable.Range(from, count).Select(i => new
            {
                sensorId = "venetian-l2-keynote-hall-d-s01",
                badgeId = $"BADGE-{i:D4}",
                readAt = PipelineStack.ReadAt(windowStart.AddSeconds(10 + i)),
                rssi = -60,
            }).ToList();
            Assert.Equal(200, (await _pipeline.PostReadsAsync("e2e-key", reads)).Status);
            await _pipeline.DrainAsync();
        }

        Task<JsonElement> RunAsync(DateTimeOffset scheduledTime) => _pipeline.RunScheduledAggregatorAsync(scheduledTime);

        JsonElement[] Reports() => [.. _pipeline.Published.Select(m => JsonDocument.Parse(m.MessageFor("sqs")).RootElement)];

        var mark = windowStart + TimeSpan.FromMinutes(15 + 7);
        await PostAsync(0, 100);
        await RunAsync(mark);
        var rerun = await RunAsync(mark); // the same scheduled event again, as a retry would
        await PostAsync(100, 3); // late reads of the same window, loaded after its report
        var next = await RunAsync(mark + TimeSpan.FromMinutes(15));

        Assert.False(rerun.GetProperty("published").GetBoolean());
        Assert.Equal(1, next.GetProperty("corrections").GetInt32());
        var reports = Reports();
        Assert.Equal(
            [$"{windowStart:HH:mm} r1 reads 100", $"{windowStart.AddMinutes(15):HH:mm} r1 reads 0", $"{windowStart:HH:mm} r2 reads 103"],
            reports.Select(r => $"{r.GetProperty("window").GetProperty("start").GetDateTimeOffset():HH:mm} r{r.GetProperty("revision").GetInt32()} reads {r.GetProperty("totals").GetProperty("reads").GetInt64()}"));
        Assert.Equal(reports[0].GetProperty("figuresDigest").GetString(), reports[2].GetProperty("supersedes").GetProperty("figuresDigest").GetString());
        // The revisions as the Schema function's table holds them in DuckDB, written through the local Data API.
        var rows = Stack.Warehouse.Execute("SELECT revision, reads FROM report_revisions ORDER BY revision, window_start", []);
        Assert.Equal(
            ["1:100", "1:0", "2:103"],
            rows.Records.Select(r => $"{r[0].LongValue}:{r[1].LongValue}"));
    }

    [Fact]
    public async Task PostReads_VenetianSensorWithMgmKey_RejectedWithItsReasonAndOnlyTheMgmReadLoaded()
    {
        var readAt = PipelineStack.ReadAt(TimeProvider.System.GetUtcNow().AddMinutes(-1));
        var reads = new object[]
        {
            new { sensorId = "mgm-l1-grand-ballroom-122-s01", badgeId = "BADGE-7001", readAt, rssi = -60 },
            new { sensorId = "venetian-l2-keynote-hall-d-s01", badgeId = "BADGE-7002", readAt, rssi = -60 },
        };
        var (status, answer) = await _pipeline.PostReadsAsync("e2e-mgm-key", reads);

        Assert.True(status == 207, answer);
        using var body = JsonDocument.Parse(answer);
        Assert.Equal(0, Assert.Single(body.RootElement.GetProperty("acceptedReads").EnumerateArray()).GetProperty("index").GetInt32());
        var rejected = Assert.Single(body.RootElement.GetProperty("rejectedReads").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal("sensorId", rejected.GetProperty("field").GetString());
        Assert.Equal("is not a sensor of this API key's key group", rejected.GetProperty("reason").GetString());

        await _pipeline.DrainAsync();
        var rows = Stack.Warehouse.Execute("SELECT sensor_id FROM badge_reads", []);
        Assert.Equal(["mgm-l1-grand-ballroom-122-s01"], rows.Records.Select(r => r[0].StringValue));
    }

    [Fact]
    public void ApiKeys_OnePerCampusKeyGroup_GivenValuesKeptOthersGenerated()
    {
        var keys = Stack.ApiKeys.ToDictionary(k => k.Group, StringComparer.Ordinal);

        Assert.Equal(["aria", "caesars-forum", "encore", "mandalay", "mgm", "venetian", "wynn"], keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("e2e-key", keys["venetian"].Value);
        Assert.Equal(40, keys["wynn"].Value.Length);
        Assert.Equal(7, Stack.ApiKeys.Select(k => k.Value).Distinct().Count());
        Assert.DoesNotContain("e2e-key", keys["venetian"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostReads_WithoutApiKey_Forbidden()
    {
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(Stack.SensorApiUrl, "reads"), new StringContent("{\"reads\":[]}", Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, Stack.Counters.Snapshot().ApiRequestsByStatus[403]);
    }
}
