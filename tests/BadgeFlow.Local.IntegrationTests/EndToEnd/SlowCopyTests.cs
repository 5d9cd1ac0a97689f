using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Sns;

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
    private readonly string _directory = Directory.CreateTempSubdirectory("badgeflow-slow-copy-").FullName;
    private LocalStack _stack = null!;

    public async Task InitializeAsync()
    {
        _stack = await LocalStack.StartAsync(
            new LocalStackOptions
            {
                WorkingDirectory = _directory,
                AwsPort = 0,
                SensorApiPort = 0,
                ProducerInstances = 1,
                RunSchedule = false,
                ApiKeys = new Dictionary<string, string> { ["venetian"] = Key },
                // Virtual time starts at real time and runs ahead only when the test drains Firehose; the Aggregator's
                // watermark wait (120 s on AWS) is scaled as for a fast event, so a provisional run does not idle.
                VirtualStart = TimeProvider.System.GetUtcNow(),
                Speed = 1,
                FunctionTimeScale = 600,
                Firehose = new FirehoseTiming { CopyBacklog = TimeSpan.FromMinutes(10) },
            },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ScheduledRuns_CopyBacklog_ProvisionalReportThenExactlyOneCorrection()
    {
        // The window before the current one on the real clock (the Producer accepts reads at most 24 h old).
        var now = TimeProvider.System.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero).AddMinutes(-15);
        var published = new List<PublishedMessage>();
        using var subscription = _stack.PublishedMessages.Subscribe(m => { lock (published) { published.Add(m); } });

        var reads = Enumerable.Range(0, 120).Select(i => new
        {
            sensorId = "venetian-l2-keynote-hall-d-s01",
            badgeId = $"SLOW-{i:D4}",
            readAt = windowStart.AddSeconds(5 + (i * 7)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            rssi = -60,
        }).ToList();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_stack.SensorApiUrl, "reads")) { Content = JsonContent.Create(new { reads }) };
        request.Headers.Add("x-api-key", Key);
        using var response = await http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);

        var mark = windowStart + TimeSpan.FromMinutes(15 + 7);
        var first = await RunAsync(mark); // the reads are still in Firehose's buffers, their COPY 10 minutes away
        await _stack.DrainAsync(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), CancellationToken.None);
        var next = await RunAsync(mark + TimeSpan.FromMinutes(15));
        var after = await RunAsync(mark + TimeSpan.FromMinutes(30));

        Assert.False(first.GetProperty("complete").GetBoolean());
        Assert.Equal(1, next.GetProperty("corrections").GetInt32());
        Assert.Equal(0, after.GetProperty("corrections").GetInt32());
        JsonElement[] windowReports;
        lock (published)
        {
            windowReports = published.Select(m => JsonDocument.Parse(m.MessageFor("sqs")).RootElement)
                .Where(r => r.GetProperty("window").GetProperty("start").GetDateTimeOffset() == windowStart)
                .ToArray();
        }

        Assert.Equal(
            ["r1 provisional True reads 0", "r2 provisional False reads 120"],
            windowReports.Select(r =>
                $"r{r.GetProperty("revision").GetInt32()} provisional {r.GetProperty("completeness").GetProperty("provisional").GetBoolean()} reads {r.GetProperty("totals").GetProperty("reads").GetInt64()}"));
        Assert.Equal(1, windowReports[1].GetProperty("supersedes").GetProperty("revision").GetInt32());
        Assert.Equal(windowReports[0].GetProperty("figuresDigest").GetString(), windowReports[1].GetProperty("supersedes").GetProperty("figuresDigest").GetString());
    }

    private async Task<JsonElement> RunAsync(DateTimeOffset scheduledTime)
    {
        var run = await _stack.Functions.InvokeAsync(
            "Aggregator", $$"""{"scheduledTime":"{{scheduledTime.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}""", CancellationToken.None);
        Assert.True(run.Succeeded, run.ErrorJson);
        return JsonDocument.Parse(run.Payload!).RootElement;
    }
}
