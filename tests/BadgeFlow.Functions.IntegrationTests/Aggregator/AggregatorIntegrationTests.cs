using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Moto;
using BadgeFlow.Testing.Scripted;
using BadgeFlow.Testing.Time;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>
/// The Aggregator over real HTTP: the Redshift Data API answered by a scripted endpoint (moto 5.2.1 cannot be seeded
/// with Data API results: its statements stay STARTED and every result is the same fixed three rows), SNS by moto, read
/// back through an SQS subscriber. moto's own Data API is used where it is a faithful peer: cancelling a statement.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AggregatorIntegrationTests : IClassFixture<MotoServerFixture>, IAsyncLifetime
{
    private const string StatementId = "d9b6c0c9-0747-4bf4-b142-e8883122f766";
    private static readonly HttpClient Http = AwsTransport.CreateHttpClient();

    private static readonly ZoneProfile[] Campus =
    [
        new("hall", "Hall", "expo", 100, 80),
        new("foyer", "Foyer", "expo", 20, 200),
        new("cafe", "Café", "food", 50, 40),
    ];

    private readonly MotoServer _moto;
    private readonly SteppingTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 22, 4, TimeSpan.Zero));
    private readonly StringWriter _logs = new();
    private ScriptedHttpEndpoint _redshift = null!;

    public AggregatorIntegrationTests(MotoServerFixture moto) => _moto = moto.Server;

    public async Task InitializeAsync() => _redshift = await ScriptedHttpEndpoint.StartAsync();

    public async Task DisposeAsync() => await _redshift.DisposeAsync();

    /// <summary>Redshift Data at the scripted endpoint, everything else at moto; HTTP timeouts on the real clock.</summary>
    private AwsTransport Transport(Uri? redshiftData = null) => new(
        Http,
        new BasicAWSCredentials("testing", "testing"),
        MotoServer.Region,
        TimeProvider.System,
        new AwsRetryPolicy { Jitter = () => 0.0 },
        name => name switch
        {
            "AWS_ENDPOINT_URL_REDSHIFT_DATA" => (redshiftData ?? _redshift.Url).ToString(),
            "AWS_ENDPOINT_URL" => _moto.Url.ToString(),
            _ => null,
        });

    private static AggregatorSettings Settings(string topicArn, int timeoutSeconds = 120) => AggregatorSettings.Read(new EnvironmentSettings(new Dictionary<string, string>
    {
        ["REDSHIFT_DATABASE"] = "dev",
        ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow",
        ["TOPIC_ARN"] = topicArn,
        ["STATEMENT_TIMEOUT_SECONDS"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.GetValueOrDefault));

    private static AggregatorRequest Schedule() =>
        JsonSerializer.Deserialize(File.ReadAllText(RepositoryPaths.Repo("events", "aggregator", "schedule.json")), EventsJsonContext.Default.AggregatorRequest)!;

    private LambdaContext Context() => TestContext.Create(_time, _logs, TimeSpan.FromMinutes(2));

    private static ScriptedResponse Json(string body) => ScriptedResponse.Json(200, body);

    private static string Describe(string status, string? error = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["Id"] = StatementId,
        ["Status"] = status,
        ["HasResultSet"] = status == "FINISHED",
        ["ResultRows"] = status == "FINISHED" ? 4 : -1,
        ["Duration"] = 1_500_000_000,
        ["Error"] = error,
    });

    private const string Columns =
        """
        [{"name":"row_kind","typeName":"varchar","nullable":1},{"name":"zone_id","typeName":"varchar","nullable":1},
         {"name":"footfall","typeName":"int8","nullable":1},{"name":"occupancy","typeName":"int8","nullable":1},
         {"name":"previous_footfall","typeName":"int8","nullable":1},{"name":"previous_occupancy","typeName":"int8","nullable":1},
         {"name":"reads","typeName":"int8","nullable":1},{"name":"distinct_badges","typeName":"int8","nullable":1},
         {"name":"unmapped_reads","typeName":"int8","nullable":1},{"name":"latest_read_at","typeName":"timestamp","nullable":1}]
        """;

    private const string Null = """{"isNull":true}""";

    /// <summary>The conversations before the density query (submit, FINISHED, one page each): the watermark check (data
    /// loaded past the window end), then the implausible-stream check (no suspect sensor).</summary>
    private static ScriptedResponse[] WatermarkPastWindowEnd() =>
    [
        Json($$"""{"Id":"{{StatementId}}"}"""),
        Json(Describe("FINISHED")),
        Json("""{"ColumnMetadata":[{"name":"watermark","typeName":"timestamp","nullable":1}],"Records":[[{"stringValue":"2026-11-25 10:15:20"}]],"TotalNumRows":1}"""),
        Json($$"""{"Id":"{{StatementId}}"}"""),
        Json(Describe("FINISHED")),
        Json("""{"ColumnMetadata":[{"name":"row_kind","typeName":"varchar"},{"name":"sensor_id","typeName":"varchar"},{"name":"zone_id","typeName":"varchar"},{"name":"minute","typeName":"int8"},{"name":"badges","typeName":"int8"},{"name":"reads","typeName":"int8"},{"name":"impossible_badges","typeName":"int8"}],"Records":[],"TotalNumRows":0}"""),
    ];

    /// <summary>The report_revisions lookup's conversation: the window has no revision yet.</summary>
    private static ScriptedResponse[] NoRevisions() =>
    [
        Json($$"""{"Id":"{{StatementId}}"}"""),
        Json(Describe("FINISHED")),
        Json("""{"ColumnMetadata":[{"name":"window_start","typeName":"timestamp"},{"name":"revision","typeName":"int4"},{"name":"provisional","typeName":"bool"},{"name":"figures_digest","typeName":"varchar"},{"name":"reads","typeName":"int8"},{"name":"severity","typeName":"varchar"},{"name":"worst_zone","typeName":"varchar"},{"name":"zone_severities","typeName":"varchar"},{"name":"message_id","typeName":"varchar"}],"Records":[],"TotalNumRows":0}"""),
    ];

    /// <summary>The INSERT into report_revisions after the Publish: no result set.</summary>
    private static ScriptedResponse[] Recorded() =>
    [
        Json($$"""{"Id":"{{StatementId}}"}"""),
        Json(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["Id"] = StatementId, ["Status"] = "FINISHED", ["HasResultSet"] = false, ["ResultRows"] = 1, ["Duration"] = 20_000_000,
        })),
    ];

    private static string ZoneRow(string zone, long footfall, long occupancy, long previousFootfall, long previousOccupancy) =>
        $$"""[{"stringValue":"zone"},{"stringValue":"{{zone}}"},{"longValue":{{footfall}}},{"longValue":{{occupancy}}},{"longValue":{{previousFootfall}}},{"longValue":{{previousOccupancy}}},{{Null}},{{Null}},{{Null}},{{Null}}]""";

    /// <summary>A topic with an SQS subscriber, set up through moto's own clients (MotoResources), not the code under test.</summary>
    private async Task<(string TopicArn, string QueueUrl)> TopicWithSqsSubscriberAsync(string name)
    {
        using var resources = new MotoResources(_moto);
        return await resources.CreateTopicWithQueueAsync(name);
    }

    private async Task<string> SingleMessageBodyAsync(string queueUrl)
    {
        using var resources = new MotoResources(_moto);
        return Assert.Single(await resources.ReceiveMessageBodiesAsync(queueUrl));
    }

    [Fact]
    public async Task HandleAsync_PaginatedResultAndMotoSns_ReportReachesSqsSubscriber()
    {
        var transport = Transport();
        var (topicArn, queueUrl) = await TopicWithSqsSubscriberAsync("density-e2e");
        _redshift.Enqueue(WatermarkPastWindowEnd());
        _redshift.Enqueue(
            Json($$"""{"Id":"{{StatementId}}","CreatedAt":1795601524.0,"Database":"dev","WorkgroupName":"badgeflow"}"""),
            Json(Describe("SUBMITTED")),
            Json(Describe("STARTED")),
            Json(Describe("FINISHED")),
            Json($$"""{"ColumnMetadata":{{Columns}},"Records":[[{"stringValue":"summary"},{{Null}},{{Null}},{{Null}},{{Null}},{{Null}},{"longValue":2000},{"longValue":260},{"longValue":12},{"stringValue":"2026-11-25 10:14:58.25"}],{{ZoneRow("cafe", 10, 8, 0, 0)}}],"TotalNumRows":4,"NextToken":"page-2"}"""),
            Json($$"""{"ColumnMetadata":{{Columns}},"Records":[{{ZoneRow("foyer", 130, 110, 120, 100)}},{{ZoneRow("hall", 95, 90, 70, 60)}}],"TotalNumRows":4}"""));
        _redshift.Enqueue(NoRevisions());
        _redshift.Enqueue(Recorded());
        var handler = AggregatorStartup.CreateHandler(Settings(topicArn), Campus, new RedshiftDataClient(transport), new SnsClient(transport), _time, new StringWriter());

        var response = await handler.HandleAsync(Schedule(), Context());

        // The Data API conversation after the checks: submit, poll until FINISHED, then every page (the retention DELETE
        // that follows the publish is AggregatorRetentionTests' subject).
        var calls = _redshift.Requests.Skip(WatermarkPastWindowEnd().Length).Take(6).ToList();
        Assert.Equal(
            ["ExecuteStatement", "DescribeStatement", "DescribeStatement", "DescribeStatement", "GetStatementResult", "GetStatementResult"],
            calls.Select(c => c.Header("X-Amz-Target")!.Replace("RedshiftData.", string.Empty, StringComparison.Ordinal)));
        using (var execute = JsonDocument.Parse(calls[0].Body))
        {
            Assert.Equal(DensityQuery.Sql, execute.RootElement.GetProperty("Sql").GetString());
            Assert.Equal("badgeflow", execute.RootElement.GetProperty("WorkgroupName").GetString());
            Assert.Equal(
                ["window_start=2026-11-25 10:00:00", "window_end=2026-11-25 10:15:00", "previous_start=2026-11-25 09:45:00",
             "presence_since=2026-11-25 09:51:00", "previous_presence_since=2026-11-25 09:36:00",
             "excluded_sensors=|", "excluded_sensor_minutes=|"],
                execute.RootElement.GetProperty("Parameters").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()}={p.GetProperty("value").GetString()}"));
        }

        using (var secondPage = JsonDocument.Parse(calls[5].Body))
        {
            Assert.Equal("page-2", secondPage.RootElement.GetProperty("NextToken").GetString());
        }

        // What the SQS subscriber got: SNS's envelope around the "sqs" member of the message, i.e. the report JSON.
        using var envelope = JsonDocument.Parse(await SingleMessageBodyAsync(queueUrl));
        Assert.Equal(response.MessageId, envelope.RootElement.GetProperty("MessageId").GetString());
        Assert.Equal("BadgeFlow CRITICAL 2026-11-25 10:00-10:15 UTC, worst Foyer 5.50/m2 F 55%", envelope.RootElement.GetProperty("Subject").GetString());
        Assert.Equal("foyer", envelope.RootElement.GetProperty("MessageAttributes").GetProperty("worst_zone").GetProperty("Value").GetString());
        Assert.Equal("1.125", envelope.RootElement.GetProperty("MessageAttributes").GetProperty("max_utilisation").GetProperty("Value").GetString());
        using var report = JsonDocument.Parse(envelope.RootElement.GetProperty("Message").GetString()!);
        Assert.Equal("badgeflow.density-report/1", report.RootElement.GetProperty("schema").GetString());
        // Ranked by density, worked out by hand: foyer 110/20 = 5.5, hall 90/100 = 0.9, cafe 8/50 = 0.16.
        Assert.Equal(["foyer", "hall", "cafe"], report.RootElement.GetProperty("zones").EnumerateArray().Select(z => z.GetProperty("zoneId").GetString()));
        Assert.Equal(12, report.RootElement.GetProperty("totals").GetProperty("unmappedReads").GetInt64());

        // After SNS took it, the revision is recorded with the message id moto gave, every value a string parameter.
        var insert = _redshift.Requests.Last(r =>
            r.Header("X-Amz-Target") == "RedshiftData.ExecuteStatement"
            && JsonDocument.Parse(r.Body).RootElement.GetProperty("Sql").GetString() == BadgeFlow.Aggregator.Corrections.ReportRevisionStore.RecordSql);
        using var record = JsonDocument.Parse(insert.Body);
        Assert.Equal(BadgeFlow.Aggregator.Corrections.ReportRevisionStore.RecordSql, record.RootElement.GetProperty("Sql").GetString());
        var values = record.RootElement.GetProperty("Parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString());
        Assert.Equal("1", values["revision"]);
        Assert.Equal(response.MessageId, values["message_id"]);
        Assert.Equal("2026-11-25 10:00:00", values["window_start"]);
    }

    [Fact]
    public async Task HandleAsync_StaffOnDutyInMotoSsm_ReportAtSqsSubscriberCarriesStaffingSummingToIt()
    {
        var transport = Transport();
        var (topicArn, queueUrl) = await TopicWithSqsSubscriberAsync("density-staffing");
        using (var resources = new MotoResources(_moto))
        {
            await resources.PutSecureStringAsync("/badgeflow/e2e/staff-on-duty", "7");
        }

        _redshift.Enqueue(WatermarkPastWindowEnd());
        _redshift.Enqueue(
            Json($$"""{"Id":"{{StatementId}}"}"""),
            Json(Describe("FINISHED")),
            Json($$"""{"ColumnMetadata":{{Columns}},"Records":[[{"stringValue":"summary"},{{Null}},{{Null}},{{Null}},{{Null}},{{Null}},{"longValue":2000},{"longValue":260},{"longValue":12},{"stringValue":"2026-11-25 10:14:58.25"}],{{ZoneRow("cafe", 10, 8, 0, 0)}},{{ZoneRow("foyer", 130, 110, 120, 100)}},{{ZoneRow("hall", 95, 90, 70, 60)}}],"TotalNumRows":4}"""));
        _redshift.Enqueue(NoRevisions());
        _redshift.Enqueue(Recorded());
        var settings = Settings(topicArn) with { StaffOnDutyParameter = "/badgeflow/e2e/staff-on-duty" };
        var handler = AggregatorStartup.CreateHandler(
            settings, Campus, new RedshiftDataClient(transport), new SnsClient(transport), _time, new StringWriter(), new SsmParameterStore(transport));

        await handler.HandleAsync(Schedule(), Context());

        using var envelope = JsonDocument.Parse(await SingleMessageBodyAsync(queueUrl));
        using var report = JsonDocument.Parse(envelope.RootElement.GetProperty("Message").GetString()!);
        var staffing = report.RootElement.GetProperty("staffing");
        // Foyer (weight 93.4) and hall (7) are critical, one each; 5 left over 100.4: foyer 4 r 65.4, hall 0 r 35 → foyer 6, hall 1.
        Assert.Equal(7, staffing.GetProperty("onDuty").GetInt32());
        Assert.Equal(
            ["foyer=6", "hall=1"],
            staffing.GetProperty("zones").EnumerateArray().Select(z => $"{z.GetProperty("zoneId").GetString()}={z.GetProperty("staff").GetInt32()}"));
    }

    [Fact]
    public async Task HandleAsync_StatementFails_ThrowsRedshiftErrorAndPublishesNothing()
    {
        var sns = new FakeSns();
        _redshift.Enqueue(WatermarkPastWindowEnd());
        _redshift.Enqueue(
            Json($$"""{"Id":"{{StatementId}}"}"""),
            Json(Describe("STARTED")),
            Json(Describe("FAILED", "ERROR: column \"zone_id\" does not exist in badge_reads")));
        var handler = AggregatorStartup.CreateHandler(Settings("arn:aws:sns:us-east-1:123456789012:t"), Campus, new RedshiftDataClient(Transport()), sns, _time, new StringWriter());

        var error = await Assert.ThrowsAsync<StatementFailedException>(() => handler.HandleAsync(Schedule(), Context()));

        Assert.Equal("ERROR: column \"zone_id\" does not exist in badge_reads", error.RedshiftError);
        Assert.Empty(sns.Published);
        // Only the watermark and suspect checks' pages were read; the failed density statement's result never is.
        Assert.Equal(2, _redshift.Requests.Count(r => r.Header("X-Amz-Target") == "RedshiftData.GetStatementResult"));
    }

    [Fact]
    public async Task HandleAsync_StatementOutlivesTimeout_CancelledAndThrows()
    {
        var sns = new FakeSns();
        _redshift.Enqueue(WatermarkPastWindowEnd());
        _redshift.Enqueue(Json($$"""{"Id":"{{StatementId}}"}"""));
        for (var i = 0; i < 40; i++)
        {
            _redshift.Enqueue(request => request.Header("X-Amz-Target") == "RedshiftData.CancelStatement"
                ? Json("""{"Status":true}""")
                : Json(Describe("STARTED")));
        }

        var handler = AggregatorStartup.CreateHandler(Settings("arn:aws:sns:us-east-1:123456789012:t", timeoutSeconds: 5), Campus, new RedshiftDataClient(Transport()), sns, _time, new StringWriter());

        var error = await Assert.ThrowsAsync<StatementTimeoutException>(() => handler.HandleAsync(Schedule(), Context()));

        Assert.True(error.Cancelled);
        var cancel = Assert.Single(_redshift.Requests, r => r.Header("X-Amz-Target") == "RedshiftData.CancelStatement");
        using var body = JsonDocument.Parse(cancel.Body);
        Assert.Equal(StatementId, body.RootElement.GetProperty("Id").GetString());
        Assert.Empty(sns.Published);
    }

    [Fact]
    public async Task QueryAsync_MotoStatementNeverFinishes_CancelledAndMotoReportsAborted()
    {
        // moto's Data API keeps every statement STARTED until it is cancelled: the runner's budget runs out, it cancels,
        // and moto (an independent peer) records the statement as ABORTED.
        var client = new RedshiftDataClient(Transport(redshiftData: _moto.Url));
        var runner = new StatementRunner(client, _time, StatementRunnerOptions.FromTimeout(TimeSpan.FromSeconds(3)));
        var request = new StatementRequest(new RedshiftTarget("dev", null, "badgeflow-cluster", null, "awsuser"), DensityQuery.Sql,
            DensityQuery.Parameters(ReportWindow.StartingAt(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(15)), TimeSpan.FromMinutes(24)));

        var error = await Assert.ThrowsAsync<StatementTimeoutException>(() => runner.QueryAsync(request, _time.GetUtcNow().AddMinutes(1), CancellationToken.None));

        Assert.True(error.Cancelled);
        var description = await client.DescribeStatementAsync(error.StatementId, CancellationToken.None);
        Assert.Equal(StatementStatus.Aborted, description.Status);
    }

    [Fact]
    public async Task Publish_FiveThousandZoneReport_MotoAcceptsIt()
    {
        var transport = Transport();
        var (topicArn, _) = await TopicWithSqsSubscriberAsync("density-large");
        var zones = Enumerable.Range(0, 5_000).Select(i => new ZoneProfile($"zone-{i:00000}", $"Exhibition Hall {i:00000}", "expo", 300, 400)).ToList();
        var counts = new WindowCounts(zones.Select((z, i) => new ZoneCounts(z.ZoneId, 50 + (i % 97), i % 450, 40, i % 300)).ToList(), 1_000_000, 50_000, 0, null);
        var report = new DensityReportBuilder(10, SeverityThresholds.Default).Build(
            ReportWindow.StartingAt(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(15)), ReportTrigger.Backfill, zones, counts);
        var message = new BadgeFlow.Aggregator.Reporting.ReportMessageComposer().Compose(report);

        var messageId = await new SnsClient(transport).PublishAsync(
            new PublishRequest(topicArn, message.Message, message.Subject, "json", message.Attributes), CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(messageId));
        Assert.True(message.ZonesOmitted > 0);
    }
}
