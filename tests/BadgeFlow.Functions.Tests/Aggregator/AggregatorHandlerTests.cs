using BadgeFlow.Domain.Campus;
using System.Text.Json;
using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Time;

namespace BadgeFlow.Functions.Tests.Aggregator;

public sealed class AggregatorHandlerTests
{
    private static readonly DateTimeOffset InvokedAt = new(2026, 11, 25, 10, 22, 3, TimeSpan.Zero);

    // hall 100 m², 80 seats; foyer 20 m², 200; cafe 50 m², 40.
    private static readonly ZoneProfile[] Campus =
    [
        new("hall", "Hall", "expo", 100, 80),
        new("foyer", "Foyer", "expo", 20, 200),
        new("cafe", "Café", "food", 50, 40),
    ];

    private readonly SteppingTimeProvider _time = new(InvokedAt);
    private readonly FakeRedshiftData _redshift = new();
    private readonly FakeSns _sns = new();
    private readonly StringWriter _logs = new();
    private readonly StringWriter _metrics = new();

    // The watermark each check sees, in order (the last repeats); 10:15:20 is past the window end: complete.
    private readonly Queue<string?> _watermarks = new(["2026-11-25 10:15:20"]);
    private readonly IReadOnlyList<IReadOnlyList<Field>> _densityRecords;

    public AggregatorHandlerTests()
    {
        _densityRecords =
        [
            DensityRows.Summary(reads: 2_000, badges: 260, unmapped: 12, latestReadAt: "2026-11-25 10:14:58.25"),
            DensityRows.Zone("cafe", 10, 8, 0, 0),
            DensityRows.Zone("foyer", 130, 110, 120, 100),
            DensityRows.Zone("hall", 95, 90, 70, 60),
        ];
        _redshift.Answer = request => request.Sql == WatermarkQuery.Sql
            ? (WatermarkColumns, [[_watermarks.Count > 1 ? Stamp(_watermarks.Dequeue()) : Stamp(_watermarks.Peek())]])
            : (DensityRows.Columns, _densityRecords);
    }

    private static readonly IReadOnlyList<ColumnMetadata> WatermarkColumns = [new("watermark", "timestamp")];

    private static Field Stamp(string? text) => text is null ? new(true, null, null, null, null) : new(false, null, null, null, text);

    private List<StatementRequest> DensityStatements() => _redshift.Executed.Where(s => s.Sql == BadgeFlow.Aggregator.Density.DensityQuery.Sql).ToList();

    private static AggregatorSettings Settings(int topZones = 2) => AggregatorSettings.Read(new EnvironmentSettings(new Dictionary<string, string>
    {
        ["REDSHIFT_DATABASE"] = "dev",
        ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow",
        ["TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:badgeflow-density",
        ["TOP_ZONES"] = topZones.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.GetValueOrDefault));

    private ILambdaHandler<AggregatorRequest, BadgeFlow.Aggregator.Reporting.AggregatorResponse> Handler(AggregatorSettings? settings = null) =>
        AggregatorStartup.CreateHandler(settings ?? Settings(), Campus, _redshift, _sns, _time, _metrics);

    private LambdaContext Context() => TestContext.Create(_time, _logs, TimeSpan.FromMinutes(1));

    private static AggregatorRequest Event(string name) =>
        JsonSerializer.Deserialize(File.ReadAllText(RepositoryPaths.Repo("events", "aggregator", name)), EventsJsonContext.Default.AggregatorRequest)!;

    [Fact]
    public async Task HandleAsync_ScheduleEvent_QueriesWindowThatClosedOneLagEarlier()
    {
        await Handler().HandleAsync(Event("schedule.json"), Context());

        // scheduledTime 10:22, lag 7 min → 10:15 → window [10:00, 10:15), previous from 09:45; presence timeout 24 min
        // (the default) → horizons 10:15 − 24 = 09:51 and 10:00 − 24 = 09:36.
        var statement = Assert.Single(DensityStatements());
        Assert.Equal(
            ["window_start=2026-11-25 10:00:00", "window_end=2026-11-25 10:15:00", "previous_start=2026-11-25 09:45:00",
             "presence_since=2026-11-25 09:51:00", "previous_presence_since=2026-11-25 09:36:00",
             "excluded_sensors=|", "excluded_sensor_minutes=|"], // no suspect sensor: nothing left out
            statement.Parameters.Select(p => $"{p.Name}={p.Value}"));
        Assert.Equal(BadgeFlow.Aggregator.Density.DensityQuery.Sql, statement.Sql);
        Assert.Equal("badgeflow", statement.Target.WorkgroupName);
        Assert.DoesNotContain("2026-11-25", statement.Sql, StringComparison.Ordinal); // values only ever travel as parameters
        Assert.DoesNotContain("--", statement.Sql, StringComparison.Ordinal); // the file's comments stay in the repository
        Assert.Contains(":window_end", statement.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_EventBridgeRuleEvent_UsesItsTimeAsScheduledTime()
    {
        await Handler().HandleAsync(Event("eventbridge-rule.json"), Context());

        // time 10:37 - 7 min = 10:30 → [10:15, 10:30).
        Assert.Contains(new SqlParameter("window_start", "2026-11-25 10:15:00"), DensityStatements()[0].Parameters);
    }

    [Fact]
    public async Task HandleAsync_BackfillEvent_ReportsNamedWindow()
    {
        var response = await Handler().HandleAsync(Event("backfill.json"), Context());

        Assert.Equal("2026-11-25T09:45:00Z", response.WindowStart);
        Assert.Equal("2026-11-25T10:00:00Z", response.WindowEnd);
        Assert.Contains(new SqlParameter("previous_start", "2026-11-25 09:30:00"), DensityStatements()[0].Parameters);
        var json = SnsMessageShape.AssertValid(_sns.Published[0])["sqs"];
        using var report = JsonDocument.Parse(json);
        Assert.Equal("backfill", report.RootElement.GetProperty("trigger").GetString());
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("scheduledTime").ValueKind);
    }

    [Fact]
    public async Task HandleAsync_ScheduleEvent_PublishesHandWorkedReport()
    {
        var response = await Handler().HandleAsync(Event("schedule.json"), Context());

        var publish = Assert.Single(_sns.Published);
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:badgeflow-density", publish.TopicArn);
        // foyer 110/20 = 5.5 /m² → F → CRITICAL at 110/200 = 55 %; hall 90/100 = 0.9 → B but 90/80 = 112.5 % → CRITICAL;
        // cafe 8/50 = 0.16 → A, 8/40 = 20 % → INFO. Densest critical zone: foyer.
        Assert.Equal("BadgeFlow CRITICAL 2026-11-25 10:00-10:15 UTC, worst Foyer 5.50/m2 F 55%", publish.Subject);
        Assert.Equal(
            ["max_utilisation=Number:1.125", "revision=Number:1", "severity=String:CRITICAL", "window_start=String:2026-11-25T10:00:00Z", "worst_zone=String:foyer"],
            publish.MessageAttributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.DataType}:{a.Value.StringValue}"));
        Assert.Equal("CRITICAL", response.Severity);
        Assert.Equal("foyer", response.WorstZone);
        Assert.Equal("6f1c3a2b-5d4e-4f60-8a7b-000000000001", response.MessageId);

        var protocols = SnsMessageShape.AssertValid(publish);
        Assert.Equal(["default", "email", "sms", "sqs", "lambda", "https"], protocols.Keys);
        Assert.Equal(protocols["sqs"], protocols["lambda"]);
        Assert.Equal(protocols["sqs"], protocols["https"]);
        Assert.DoesNotContain('\n', protocols["sms"]);
        Assert.Equal("BadgeFlow CRITICAL 10:00-10:15Z: Foyer 5.50/m2 F 55%; 2 critical, 0 warning of 3 zones", protocols["sms"]);
        Assert.Contains("Worst zone: 1. Foyer (foyer, expo): 5.500/m2 F, 110/200 (55.0%), +10 (+0.500/m2), CRITICAL", protocols["email"], StringComparison.Ordinal);
        Assert.Contains("Reads: 2000 from 260 badges; 12 from sensors missing from the campus registry.", protocols["default"], StringComparison.Ordinal);
        Assert.Contains("latest read loaded 2026-11-25 10:14:58 UTC, 1.8 s before the window closed", protocols["default"], StringComparison.Ordinal);
        Assert.DoesNotContain("All zones", protocols["default"], StringComparison.Ordinal);
        Assert.Contains("All zones by density (3 of 3):", protocols["email"], StringComparison.Ordinal);

        using var report = JsonDocument.Parse(protocols["sqs"]);
        var root = report.RootElement;
        Assert.Equal("badgeflow.density-report/1", root.GetProperty("schema").GetString());
        Assert.Equal("2026-11-25T10:22:00Z", root.GetProperty("scheduledTime").GetString());
        Assert.Equal(["foyer", "hall"], root.GetProperty("top").EnumerateArray().Select(z => z.GetProperty("zoneId").GetString()));
        Assert.Equal(["foyer", "hall", "cafe"], root.GetProperty("zones").EnumerateArray().Select(z => z.GetProperty("zoneId").GetString()));
        var hall = root.GetProperty("zones")[1];
        Assert.Equal(0.9, hall.GetProperty("density").GetDouble());
        Assert.Equal(1.125, hall.GetProperty("utilisation").GetDouble());
        Assert.Equal("B", hall.GetProperty("level").GetString());
        Assert.Equal(30, hall.GetProperty("occupancyChange").GetInt64()); // 90 - 60
        Assert.Equal(0.3, hall.GetProperty("densityChange").GetDouble()); // 0.9 - 0.6
        Assert.Equal(12, root.GetProperty("totals").GetProperty("unmappedReads").GetInt64());
        Assert.Equal(208, root.GetProperty("totals").GetProperty("occupancy").GetInt64()); // 110 + 90 + 8
        Assert.Equal("2026-11-25T10:14:58.25Z", root.GetProperty("freshness").GetProperty("latestReadAt").GetString());
        Assert.Equal(1.75, root.GetProperty("freshness").GetProperty("lagSeconds").GetDouble());
        Assert.Equal(0, root.GetProperty("zonesOmitted").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_SameEventTwiceUnchangedData_SecondRunPublishesNothing()
    {
        var handler = Handler();

        var first = await handler.HandleAsync(Event("schedule.json"), Context());
        _time.Advance(TimeSpan.FromMinutes(3)); // a retry, later by the clock
        var second = await handler.HandleAsync(Event("schedule.json"), Context());

        var publish = Assert.Single(_sns.Published);
        Assert.Single(_redshift.Revisions);
        Assert.True(first.Published);
        Assert.Equal(1, first.Revision);
        Assert.False(second.Published);
        Assert.Null(second.Revision);
        Assert.Equal(first.MessageId, second.MessageId); // the latest revision's message, read back from report_revisions
        Assert.Equal(0, second.Corrections);
        Assert.Contains("unchanged since revision 1", _logs.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"revision\":1", SnsMessageShape.AssertValid(publish)["sqs"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_SameDataInTwoFreshWarehouses_ByteIdenticalMessages()
    {
        var other = new FakeRedshiftData { Answer = _redshift.Answer };
        var otherSns = new FakeSns();
        var otherTime = new SteppingTimeProvider(InvokedAt + TimeSpan.FromMinutes(9)); // a later invocation by the clock

        await Handler().HandleAsync(Event("schedule.json"), Context());
        await AggregatorStartup.CreateHandler(Settings(), Campus, other, otherSns, otherTime, new StringWriter())
            .HandleAsync(Event("schedule.json"), TestContext.Create(otherTime, new StringWriter(), TimeSpan.FromMinutes(1)));

        var (a, b) = (Assert.Single(_sns.Published), Assert.Single(otherSns.Published));
        Assert.Equal(a.Message, b.Message);
        Assert.Equal(a.Subject, b.Subject);
        Assert.Equal(a.MessageAttributes, b.MessageAttributes);
        // Only published_at (when, by the clock) differs between the two recorded revisions.
        Assert.Equal(_redshift.Revisions[0].Where(p => p.Key != "published_at"), other.Revisions[0].Where(p => p.Key != "published_at"));
        Assert.NotEqual(_redshift.Revisions[0]["published_at"], other.Revisions[0]["published_at"]);
    }

    [Fact]
    public async Task HandleAsync_RedshiftFails_ThrowsWithRedshiftMessageAndPublishesNothing()
    {
        _redshift.Statuses(StatementStatus.Started, StatementStatus.Failed);
        _redshift.Error = "ERROR: permission denied for relation badge_reads";

        var error = await Assert.ThrowsAsync<StatementFailedException>(() => Handler().HandleAsync(Event("schedule.json"), Context()));

        Assert.Contains("permission denied for relation badge_reads", error.Message, StringComparison.Ordinal);
        Assert.Empty(_sns.Published);
        Assert.Contains("\"ReportsFailed\":1", _metrics.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"level\":\"Error\"", _logs.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HandleAsync_SnsFails_Throws()
    {
        _sns.Error = new BadgeFlow.Aws.AwsServiceException("SNS", "AuthorizationError", "not authorized to publish", 403, "r-1");

        await Assert.ThrowsAsync<BadgeFlow.Aws.AwsServiceException>(() => Handler().HandleAsync(Event("schedule.json"), Context()));
    }

    [Fact]
    public async Task HandleAsync_MisalignedBackfill_ThrowsBeforeQuerying()
    {
        var request = new AggregatorRequest { WindowStart = new DateTimeOffset(2026, 11, 25, 10, 5, 0, TimeSpan.Zero) };

        await Assert.ThrowsAsync<ArgumentException>(() => Handler().HandleAsync(request, Context()));

        Assert.Empty(_redshift.Executed);
    }

    [Fact]
    public async Task HandleAsync_EventWithoutTime_Throws()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Handler().HandleAsync(new AggregatorRequest(), Context()));

        Assert.Contains("windowStart", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_Published_EmfMetricsLine()
    {
        await Handler().HandleAsync(Event("schedule.json"), Context());

        // The per-zone lines (AggregatorStaffingTests) come first; the function's own line is the last.
        using var line = JsonDocument.Parse(_metrics.ToString().Trim().Split('\n')[^1]);
        var root = line.RootElement;
        Assert.Equal("BadgeFlow", root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
        Assert.Equal("Aggregator", root.GetProperty("FunctionName").GetString());
        Assert.Equal(3, root.GetProperty("ZonesReported").GetDouble());
        Assert.Equal(1.125, root.GetProperty("MaxUtilisation").GetDouble());
        Assert.Equal((double)Severity.Critical, root.GetProperty("Severity").GetDouble());
        Assert.True(root.TryGetProperty("QueryTime", out _));
    }

    [Fact]
    public async Task HandleAsync_Logs_NoBadgeOrPayload()
    {
        await Handler().HandleAsync(Event("schedule.json"), Context());

        var logs = _logs.ToString();
        Assert.Contains("Published", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("badge_hash", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("\"default\"", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_WatermarkPastWindowEnd_CompleteWithoutWaiting()
    {
        var response = await Handler().HandleAsync(Event("schedule.json"), TestContext.Create(_time, _logs, TimeSpan.FromMinutes(5)));

        Assert.True(response.Complete);
        Assert.Empty(_time.Waits);
        Assert.DoesNotContain("PROVISIONAL", _sns.Published[0].Subject, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(SnsMessageShape.AssertValid(_sns.Published[0])["sqs"]);
        var completeness = report.RootElement.GetProperty("completeness");
        Assert.False(completeness.GetProperty("provisional").GetBoolean());
        Assert.Equal("2026-11-25T10:15:20Z", completeness.GetProperty("watermark").GetString());
        Assert.Equal(0, completeness.GetProperty("dataLagSeconds").GetDouble());
        using var line = JsonDocument.Parse(_metrics.ToString().Trim().Split('\n')[^1]); // the report's line follows the per-zone lines
        Assert.Equal(0, line.RootElement.GetProperty("DataLag").GetDouble());
        Assert.Equal(0, line.RootElement.GetProperty("ProvisionalReports").GetDouble());
    }

    [Fact]
    public async Task HandleAsync_WatermarkReachesEndWhileWaiting_CompleteAfterTwoPolls()
    {
        _watermarks.Clear();
        foreach (var w in new[] { "2026-11-25 10:14:00", "2026-11-25 10:14:50", "2026-11-25 10:15:03" })
        {
            _watermarks.Enqueue(w);
        }

        var response = await Handler().HandleAsync(Event("schedule.json"), TestContext.Create(_time, _logs, TimeSpan.FromMinutes(5)));

        Assert.True(response.Complete);
        Assert.Equal([TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20)], _time.Waits); // COMPLETENESS_POLL_SECONDS' default
        Assert.Equal(3, _redshift.Executed.Count(s => s.Sql == WatermarkQuery.Sql));
        Assert.Single(DensityStatements());
    }

    [Fact]
    public async Task HandleAsync_WatermarkShortOfEndUntilBudgetEnds_PublishesProvisionalWithEstimate()
    {
        _watermarks.Clear();
        _watermarks.Enqueue("2026-11-25 10:14:00");

        // 5 min left: the wait is capped by COMPLETENESS_WAIT_SECONDS (120 s), polled every 20 s: 6 waits, 7 checks.
        var response = await Handler().HandleAsync(Event("schedule.json"), TestContext.Create(_time, _logs, TimeSpan.FromMinutes(5)));

        Assert.False(response.Complete);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(20), 6), _time.Waits);
        Assert.Equal(7, _redshift.Executed.Count(s => s.Sql == WatermarkQuery.Sql));
        var publish = Assert.Single(_sns.Published);
        Assert.Equal("BadgeFlow CRITICAL PROVISIONAL 2026-11-25 10:00-10:15 UTC, worst Foyer 5.50/m2 F 55%", publish.Subject);
        var protocols = SnsMessageShape.AssertValid(publish);
        // 2,000 reads loaded over [10:00, 10:14) = 840 s; the missing 60 s at that rate: 2000 × 60 / 840 = 142.86 → 143.
        Assert.Contains(
            "PROVISIONAL: the warehouse holds reads received up to 2026-11-25 10:14:00 UTC, 60 s short of the window end; about 143 reads may be missing.",
            protocols["default"], StringComparison.Ordinal);
        using var report = JsonDocument.Parse(protocols["sqs"]);
        var completeness = report.RootElement.GetProperty("completeness");
        Assert.True(completeness.GetProperty("provisional").GetBoolean());
        Assert.Equal(60, completeness.GetProperty("dataLagSeconds").GetDouble());
        Assert.Equal(143, completeness.GetProperty("missingReadsEstimate").GetInt64());
        using var line = JsonDocument.Parse(_metrics.ToString().Trim().Split('\n')[^1]); // the report's line follows the per-zone lines
        Assert.Equal(60, line.RootElement.GetProperty("DataLag").GetDouble());
        Assert.Equal(1, line.RootElement.GetProperty("ProvisionalReports").GetDouble());
        Assert.Contains("about 143 reads may be missing", _logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_NoTimeLeftForWaiting_ChecksOnceAndPublishesProvisional()
    {
        _watermarks.Clear();
        _watermarks.Enqueue(null);

        // 1 min left is less than the statement timeout (120 s): no wait at all.
        var response = await Handler().HandleAsync(Event("schedule.json"), Context());

        Assert.False(response.Complete);
        Assert.Empty(_time.Waits);
        Assert.Contains("PROVISIONAL: the warehouse holds no read received since the window started. A correction follows", SnsMessageShape.AssertValid(_sns.Published[0])["default"], StringComparison.Ordinal);
        // Nothing loaded: no rate to estimate the missing reads from, and the log says so instead of "about null".
        var logs = _logs.ToString();
        Assert.Contains("data reaches nothing, none of the window is loaded yet", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("may be missing", logs, StringComparison.Ordinal);
    }

    [Fact]
    public void ToProfiles_EmbeddedCampus_EveryZoneHasAreaAndCapacity()
    {
        var zones = AggregatorStartup.ToProfiles(CampusRegistry.Embedded());

        Assert.NotEmpty(zones);
        Assert.All(zones, z => Assert.True(z.AreaSquareMetres > 0 && z.Capacity > 0));
    }

    [Fact]
    public void ToProfiles_Zone_KeepsItsIdNameVenueAreaAndCapacity()
    {
        var campus = CampusRegistry.Load("""
            {"name":"t","venues":[{"id":"v","name":"V"}],
             "zones":[{"id":"z1","name":"Z1","venue":"v","floor":"L1","kind":"expo","areaSquareMetres":12.5,"capacity":9}],
             "sensors":[{"id":"s1","zone":"z1"}]}
            """u8);

        Assert.Equal(new ZoneProfile("z1", "Z1", "v", 12.5, 9), Assert.Single(AggregatorStartup.ToProfiles(campus)));
    }
}
