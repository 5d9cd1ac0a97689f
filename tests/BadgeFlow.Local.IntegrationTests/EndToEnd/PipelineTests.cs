using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Sns;
using BadgeFlow.Local.Warehouse;

namespace BadgeFlow.Local.Tests.EndToEnd;

/// <summary>The whole local stack with the real functions: reads in through the sensor API, through Producer, Firehose
/// and Transform into the warehouse, and a density report out through the Aggregator and SNS.</summary>
[Trait("Category", "Integration")]
public sealed class PipelineTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("badgeflow-e2e-").FullName;
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
                FirehoseBufferIntervalSeconds = 1,
                ApiKey = "e2e-key",
            },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task PostReads_ValidAndInvalid_ValidOnesLoadedPseudonymizedAndReportedThroughSns()
    {
        // The functions check readAt against the real clock (not older than 24 h), so the reads are placed in the
        // window before the current one on the real clock.
        var now = TimeProvider.System.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero).AddMinutes(-15);
        var reads = Enumerable.Range(0, 999).Select(i => new
        {
            sensorId = i % 2 == 0 ? "venetian-l2-keynote-hall-d-s01" : "venetian-l2-keynote-hall-d-s02",
            badgeId = $"BADGE-{i % 250:D4}",
            readAt = windowStart.AddSeconds(10 + (i % 800)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            rssi = -60,
        }).Cast<object>().ToList();
        reads.Add(new { sensorId = "bad sensor id!", badgeId = "BADGE-9999", readAt = windowStart.AddSeconds(5).ToString("O"), rssi = -60 });
        var published = new List<PublishedMessage>();
        using var subscription = _stack.PublishedMessages.Subscribe(m => { lock (published) { published.Add(m); } });

        using var http = new HttpClient();
        foreach (var chunk in reads.Chunk(500))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_stack.SensorApiUrl, "reads")) { Content = JsonContent.Create(new { reads = chunk }) };
            request.Headers.Add("x-api-key", "e2e-key");
            using var response = await http.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is 200 or 207, $"{(int)response.StatusCode}: {answer}");
        }

        await _stack.FlushAsync(CancellationToken.None);

        var counters = _stack.Counters.Snapshot();
        Assert.Equal(999, counters.ReadsIntoFirehose);
        Assert.Equal(999, counters.ReadsLoaded);
        Assert.Equal(0, counters.ReadsFailed);
        var rows = _stack.Warehouse.Execute("SELECT badge_hash, zone_id FROM badge_reads", []);
        Assert.Equal(999, rows.Records.Count);
        Assert.DoesNotContain(rows.Records, r => r[0].StringValue!.StartsWith("BADGE-", StringComparison.Ordinal));
        Assert.Equal(250, rows.Records.Select(r => r[0].StringValue).Distinct().Count());
        Assert.All(rows.Records, r => Assert.Equal("venetian-l2-keynote-hall-d", r[1].StringValue));

        var report = await _stack.Functions.InvokeAsync(
            "Aggregator", $$"""{"windowStart":"{{windowStart.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}""", CancellationToken.None);
        Assert.True(report.Succeeded, report.ErrorJson);
        PublishedMessage message;
        lock (published)
        {
            message = Assert.Single(published);
        }

        Assert.Equal(_stack.TopicArn, message.TopicArn);
        Assert.Equal("json", message.MessageStructure);
        Assert.Contains("venetian-l2-keynote-hall-d", message.MessageFor("https"), StringComparison.Ordinal);
        var delivered = Assert.Single(await File.ReadAllLinesAsync(Path.Combine(_directory, "reports.ndjson")));
        Assert.Equal(message.MessageId, JsonDocument.Parse(delivered).RootElement.GetProperty("MessageId").GetString());
    }

    [Fact]
    public async Task PostReads_WithoutApiKey_Forbidden()
    {
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(_stack.SensorApiUrl, "reads"), new StringContent("{\"reads\":[]}", Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, _stack.Counters.Snapshot().ApiRequestsByStatus[403]);
    }
}
