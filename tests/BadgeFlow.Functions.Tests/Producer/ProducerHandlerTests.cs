using System.Text;
using System.Text.Json;
using BadgeFlow.Aws;
using BadgeFlow.Aws.Http;
using static BadgeFlow.Functions.Tests.Producer.ProducerTestKit;

namespace BadgeFlow.Functions.Tests.Producer;

public sealed class ProducerHandlerTests
{
    private readonly StringWriter _log = new();
    private readonly StringWriter _metrics = new();

    [Fact]
    public async Task HandleAsync_JsonEvent_AcceptsEveryReadAndSendsPseudonymizedLines()
    {
        var firehose = new FakeFirehose();
        var clock = Clock();

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Event("json.json"), Context(clock, _log));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Headers!["Content-Type"]);
        var body = BodyJson(response);
        Assert.Equal(3, body.GetProperty("received").GetInt32());
        Assert.Equal([0, 1, 2], Indexes(body, "acceptedReads"));
        Assert.Empty(body.GetProperty("rejectedReads").EnumerateArray());
        Assert.Empty(body.GetProperty("failedReads").EnumerateArray());
        Assert.Equal("venetian-l2-expo-a-s01:0001", body.GetProperty("acceptedReads")[0].GetProperty("readId").GetString());

        var call = Assert.Single(firehose.Calls);
        Assert.Single(call); // three small reads fit one record
        var lines = Lines(call);
        Assert.Equal([BadgeHash("BADGE-000123"), BadgeHash("BADGE-000124"), BadgeHash("BADGE-000125")], lines.Select(l => l.GetProperty("badgeHash").GetString()));
        Assert.Equal(["2026-11-25T10:00:05Z", "2026-11-25T10:00:07Z", "2026-11-25T10:00:09.25Z"], lines.Select(l => l.GetProperty("readAt").GetString()));
        Assert.Equal(-61, lines[0].GetProperty("rssi").GetInt32());
        Assert.False(lines[2].TryGetProperty("rssi", out _));
        Assert.All(lines, l => Assert.Equal("2026-11-25T10:01:00Z", l.GetProperty("receivedAt").GetString()));
        // The read IDs the response names are the ones that travelled.
        Assert.Equal(body.GetProperty("acceptedReads").EnumerateArray().Select(a => a.GetProperty("readId").GetString()), lines.Select(l => l.GetProperty("readId").GetString()));
        AssertNoRawBadgeId(response.Body!, _log.ToString(), _metrics.ToString(), Encoding.UTF8.GetString(call[0]));
    }

    [Fact]
    public async Task HandleAsync_NdJsonEventWithAnOutOfRangeRssi_Answers207NamingTheRejectedRead()
    {
        var firehose = new FakeFirehose();
        var clock = Clock();

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Event("ndjson.json"), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        var body = BodyJson(response);
        Assert.Equal([0, 2], Indexes(body, "acceptedReads"));
        var rejected = Assert.Single(body.GetProperty("rejectedReads").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal("rssi", rejected.GetProperty("field").GetString());
        Assert.Equal([BadgeHash("BADGE-000201"), BadgeHash("BADGE-000203")], Lines(firehose.Accepted).Select(l => l.GetProperty("badgeHash").GetString()));
        AssertNoRawBadgeId(response.Body!, _log.ToString(), _metrics.ToString());
    }

    [Fact]
    public async Task HandleAsync_Base64CsvEventWithHeader_AcceptsEveryRow()
    {
        var firehose = new FakeFirehose();
        var clock = Clock();

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Event("csv.json"), Context(clock, _log));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal([0, 1, 2], Indexes(BodyJson(response), "acceptedReads"));
        var lines = Lines(firehose.Accepted);
        Assert.Equal([BadgeHash("BADGE-000301"), BadgeHash("BADGE-000302"), BadgeHash("BADGE-000303")], lines.Select(l => l.GetProperty("badgeHash").GetString()));
        Assert.False(lines[1].TryGetProperty("rssi", out _));
    }

    [Fact]
    public async Task HandleAsync_BadRequestEvent_Answers400ProblemJson()
    {
        var firehose = new FakeFirehose();
        var clock = Clock();

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Event("bad-request.json"), Context(clock, _log));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["Content-Type"]);
        var problem = BodyJson(response);
        Assert.Equal("urn:badgeflow:problem:malformed-body", problem.GetProperty("type").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Empty(firehose.Calls);
        AssertNoRawBadgeId(response.Body!, _log.ToString());
    }

    [Theory]
    [InlineData("Application/JSON; Charset=UTF-8")]
    [InlineData("application/json;charset=\"utf-8\"")]
    public async Task HandleAsync_ContentTypeWithParametersAndOddCase_IsJson(string contentType)
    {
        var clock = Clock();
        var request = Request(contentType, "{\"reads\":[" + NdJsonRead(1) + "]}");
        request = new() { HttpMethod = "POST", Headers = new() { ["CONTENT-TYPE"] = contentType }, Body = request.Body, RequestContext = request.RequestContext };

        var response = await Handler(new FakeFirehose(), clock, _metrics).HandleAsync(request, Context(clock, _log));

        Assert.Equal(200, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json", """{"reads":[{"sensorId":"venetian-l2-expo-a-s01","badgeId":"\ud800","readAt":"2026-11-25T10:00:00Z"},{"sensorId":"venetian-l2-expo-a-s01","badgeId":"B2","readAt":"2026-11-25T10:00:00Z"}]}""", "badgeId")]
    [InlineData("application/json", """{"reads":[{"sensorId":"venetian-l2-expo-a-s01","badgeId":"\udc00","readAt":"2026-11-25T10:00:00Z"},{"sensorId":"venetian-l2-expo-a-s01","badgeId":"B2","readAt":"2026-11-25T10:00:00Z"}]}""", "badgeId")]
    [InlineData("application/x-ndjson", """{"sensorId":"venetian-l2-expo-a-s01","badgeId":"B1","readAt":"\ud800"}""" + "\n" + """{"sensorId":"venetian-l2-expo-a-s01","\ud800":"x","badgeId":"B2","readAt":"2026-11-25T10:00:00Z"}""", "readAt")]
    public async Task HandleAsync_LoneSurrogateEscape_Answers207AcceptingTheValidRead(string contentType, string body, string rejectedField)
    {
        var firehose = new FakeFirehose();
        var clock = Clock();

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Request(contentType, body), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        var json = BodyJson(response);
        Assert.Equal([1], Indexes(json, "acceptedReads"));
        var rejected = Assert.Single(json.GetProperty("rejectedReads").EnumerateArray());
        Assert.Equal((0, rejectedField), (rejected.GetProperty("index").GetInt32(), rejected.GetProperty("field").GetString()));
        Assert.Equal([BadgeHash("B2")], Lines(firehose.Accepted).Select(l => l.GetProperty("badgeHash").GetString()));
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/csv; charset=latin1")]
    [InlineData("")]
    public async Task HandleAsync_UnsupportedMediaType_Answers415(string contentType)
    {
        var clock = Clock();
        var response = await Handler(new FakeFirehose(), clock, _metrics).HandleAsync(Request(contentType, "x"), Context(clock, _log));

        Assert.Equal(415, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["Content-Type"]);
    }

    [Fact]
    public async Task HandleAsync_BodyOverTheLimit_Answers413()
    {
        var clock = Clock();
        var body = string.Join("\n", Enumerable.Range(0, 30).Select(i => NdJsonRead(i)));
        var response = await Handler(new FakeFirehose(), clock, _metrics, Settings(maxBodyBytes: 1024))
            .HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(413, response.StatusCode);
        Assert.Equal("urn:badgeflow:problem:body-too-large", BodyJson(response).GetProperty("type").GetString());
    }

    [Fact]
    public async Task HandleAsync_MoreReadsThanAllowed_Answers413()
    {
        var clock = Clock();
        var body = string.Join("\n", Enumerable.Range(0, 4).Select(i => NdJsonRead(i)));
        var response = await Handler(new FakeFirehose(), clock, _metrics, Settings(maxReads: 3))
            .HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(413, response.StatusCode);
        Assert.Equal("urn:badgeflow:problem:too-many-reads", BodyJson(response).GetProperty("type").GetString());
    }

    [Fact]
    public async Task HandleAsync_NoValidRead_Answers400WithEveryRejection()
    {
        var firehose = new FakeFirehose();
        var clock = Clock();
        var body = NdJsonRead(1, sensor: "bad sensor!") + "\n" + NdJsonRead(2, readAt: "2026-11-23T10:00:00Z");

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(400, response.StatusCode);
        var problem = BodyJson(response);
        Assert.Equal("urn:badgeflow:problem:no-valid-reads", problem.GetProperty("type").GetString());
        Assert.Equal([(0, "sensorId"), (1, "readAt")], problem.GetProperty("rejectedReads").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("field").GetString())));
        Assert.Empty(firehose.Calls);
    }

    [Fact]
    public async Task HandleAsync_PartialFailureThenSuccess_ResendsOnlyTheFailedRecord()
    {
        // 40 reads of ~200 bytes with 1024-byte records: several records; the second one fails once.
        var firehose = new FakeFirehose().ThenFail(1);
        var clock = Clock();
        var body = string.Join("\n", Enumerable.Range(0, 40).Select(i => NdJsonRead(i)));

        var response = await Handler(firehose, clock, _metrics, Settings(maxRecordBytes: 1024)).HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(Enumerable.Range(0, 40), Indexes(BodyJson(response), "acceptedReads"));
        Assert.Equal(2, firehose.Calls.Count);
        Assert.Equal(firehose.Calls[0][1], Assert.Single(firehose.Calls[1]));
        // Every read reached Firehose exactly once.
        Assert.Equal(Enumerable.Range(0, 40).Select(i => BadgeHash($"BADGE-{i:D6}")).Order(), Lines(firehose.Accepted).Select(l => l.GetProperty("badgeHash").GetString()!).Order());
        var emf = JsonDocument.Parse(_metrics.ToString().Trim()).RootElement;
        Assert.Equal(40, emf.GetProperty("ReadsAccepted").GetDouble());
        Assert.Equal(1, emf.GetProperty("FirehoseRetries").GetDouble());
        Assert.Equal(firehose.Accepted.Count, emf.GetProperty("FirehoseRecords").GetDouble());
        Assert.Equal(firehose.Accepted.Sum(r => r.Length), emf.GetProperty("FirehoseBytes").GetDouble());
    }

    [Fact]
    public async Task HandleAsync_RecordFailsEveryRound_Answers207WithItsReadsAsFailed()
    {
        var firehose = new FakeFirehose().ThenFail(0).ThenFail(0).ThenFail(0);
        var clock = Clock();
        var body = string.Join("\n", Enumerable.Range(0, 20).Select(i => NdJsonRead(i)));

        var response = await Handler(firehose, clock, _metrics, Settings(maxRecordBytes: 1024)).HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        var json = BodyJson(response);
        var failed = Indexes(json, "failedReads");
        var accepted = Indexes(json, "acceptedReads");
        Assert.Equal(3, firehose.Calls.Count); // MaxAttempts rounds
        Assert.Equal(Enumerable.Range(0, 20), accepted.Concat(failed).Order());
        Assert.Equal(Lines(firehose.Calls[0].Take(1)).Count, failed.Length); // exactly the reads of the refused record
        Assert.All(json.GetProperty("failedReads").EnumerateArray(), f => Assert.Equal("ServiceUnavailableException", f.GetProperty("reason").GetString()));
        Assert.Equal(accepted.Select(i => BadgeHash($"BADGE-{i:D6}")).Order(), Lines(firehose.Accepted).Select(l => l.GetProperty("badgeHash").GetString()!).Order());
    }

    [Fact]
    public async Task HandleAsync_FirehoseTakesNothing_Answers503WithRetryAfterAndEveryValidReadFailed()
    {
        var firehose = new FakeFirehose().ThenThrow(new AwsServiceException("Firehose", "ServiceUnavailableException", "Slow down.", 503, "rid") { Attempts = 4 });
        var clock = Clock();
        var body = NdJsonRead(0) + "\n" + NdJsonRead(1, rssi: 5) + "\n" + NdJsonRead(2);

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("2", response.Headers!["Retry-After"]);
        Assert.Equal("application/problem+json", response.Headers["Content-Type"]);
        var problem = BodyJson(response);
        Assert.Equal([0, 2], Indexes(problem, "failedReads"));
        Assert.Equal([1], Indexes(problem, "rejectedReads"));
        var emf = JsonDocument.Parse(_metrics.ToString().Trim()).RootElement;
        Assert.Equal(3, emf.GetProperty("FirehoseRetries").GetDouble());
        Assert.Equal(2, emf.GetProperty("ReadsFailed").GetDouble());
    }

    [Fact]
    public async Task HandleAsync_DeadlineTooCloseForAResend_ReportsTheFailedRecordInsteadOfRetrying()
    {
        var firehose = new FakeFirehose().ThenFail(0);
        var clock = Clock();
        var body = string.Join("\n", Enumerable.Range(0, 10).Select(i => NdJsonRead(i)));
        var policy = new AwsRetryPolicy { MaxAttempts = 5, MinimumAttemptTime = TimeSpan.FromMilliseconds(300), Jitter = () => 0 };

        // 500 ms left − 250 ms response reserve = 250 ms < 300 ms needed for another round.
        var response = await Handler(firehose, clock, _metrics, Settings(maxRecordBytes: 1024), policy)
            .HandleAsync(Request("application/x-ndjson", body), Context(clock, _log, remaining: TimeSpan.FromMilliseconds(500)));

        Assert.Equal(207, response.StatusCode);
        Assert.Single(firehose.Calls);
        Assert.NotEmpty(Indexes(BodyJson(response), "failedReads"));
    }

    [Fact]
    public async Task HandleAsync_InvocationCancelled_ReportsDeadlineExceeded()
    {
        var clock = Clock();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var firehose = new FakeFirehose().ThenThrow(new OperationCanceledException(cancelled.Token));

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Request("application/x-ndjson", NdJsonRead(0)), Context(clock, _log, cancellationToken: cancelled.Token));

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("DeadlineExceeded", BodyJson(response).GetProperty("failedReads")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task HandleAsync_GetRequest_Answers405()
    {
        var clock = Clock();
        var response = await Handler(new FakeFirehose(), clock, _metrics).HandleAsync(new() { HttpMethod = "GET" }, Context(clock, _log));
        Assert.Equal(405, response.StatusCode);
        Assert.Equal("POST", response.Headers!["Allow"]);
    }

    private static void AssertNoRawBadgeId(params string[] outputs)
    {
        foreach (var output in outputs)
        {
            Assert.DoesNotContain("BADGE-", output, StringComparison.Ordinal);
        }
    }
}
