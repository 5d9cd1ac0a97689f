using BadgeFlow.Testing.Time;
using System.Text.Json;
using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aggregator.Corrections;
using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>
/// Revisions and corrections (docs/density-report.md, "Corrections"): the run at 10:22 reports [10:00, 10:15) before
/// its last reads are loaded (provisional); the run at 10:37 reports [10:15, 10:30) and re-checks [10:00, 10:15), whose
/// figures the late reads changed, so it publishes one correction; the run at 10:52 finds nothing changed.
/// </summary>
public sealed class AggregatorCorrectionTests
{
    // hall 100 m², 80 seats; foyer 20 m², 200; cafe 50 m², 40 (as AggregatorHandlerTests).
    private static readonly ZoneProfile[] Campus =
    [
        new("hall", "Hall", "expo", 100, 80),
        new("foyer", "Foyer", "expo", 20, 200),
        new("cafe", "Café", "food", 50, 40),
    ];

    private static readonly IReadOnlyList<ColumnMetadata> WatermarkColumns = [new("watermark", "timestamp")];

    private readonly SteppingTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 22, 3, TimeSpan.Zero));
    private readonly FakeRedshiftData _redshift = new();
    private readonly FakeSns _sns = new();
    private readonly StringWriter _logs = new();
    private readonly StringWriter _metrics = new();

    // What the warehouse holds: before the late COPY, [10:00, 10:15) lacks 143 reads and foyer is 10 people short.
    private bool _lateReadsLoaded;
    private string _watermark = "2026-11-25 10:14:00";

    public AggregatorCorrectionTests()
    {
        _redshift.Answer = request =>
        {
            if (request.Sql == WatermarkQuery.Sql)
            {
                return (WatermarkColumns, [[new Field(false, null, null, null, _watermark)]]);
            }

            var start = request.Parameters.Single(p => p.Name == "window_start").Value;
            return (DensityRows.Columns, start switch
            {
                // foyer 100/20 = 5.0 /m² (E: WARNING); hall 90/80 = 112.5 % (CRITICAL), worst. After the late reads foyer
                // is 110/20 = 5.5 (F: CRITICAL) and, densest of the critical zones, the worst.
                "2026-11-25 10:00:00" when !_lateReadsLoaded =>
                [
                    DensityRows.Summary(reads: 1_857, badges: 250, unmapped: 12, latestReadAt: "2026-11-25 10:13:59"),
                    DensityRows.Zone("foyer", 125, 100, 120, 100), DensityRows.Zone("hall", 95, 90, 70, 60),
                ],
                "2026-11-25 10:00:00" =>
                [
                    DensityRows.Summary(reads: 2_000, badges: 260, unmapped: 12, latestReadAt: "2026-11-25 10:14:58.25"),
                    DensityRows.Zone("foyer", 130, 110, 120, 100), DensityRows.Zone("hall", 95, 90, 70, 60),
                ],
                _ =>
                [
                    DensityRows.Summary(reads: 1_500, badges: 200, unmapped: 0, latestReadAt: "2026-11-25 10:29:59"),
                    DensityRows.Zone("foyer", 60, 50, 130, 110), DensityRows.Zone("hall", 40, 30, 95, 90),
                ],
            });
        };
    }

    private ILambdaHandler<AggregatorRequest, AggregatorResponse> Handler() =>
        AggregatorStartup.CreateHandler(
            AggregatorSettings.Read(new EnvironmentSettings(new Dictionary<string, string>
            {
                ["REDSHIFT_DATABASE"] = "dev",
                ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow",
                ["TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:badgeflow-density",
            }.GetValueOrDefault)),
            Campus, _redshift, _sns, _time, _metrics);

    // One minute left is less than the statement timeout: no waiting, a short watermark is published provisionally.
    private Task<AggregatorResponse> Run(ILambdaHandler<AggregatorRequest, AggregatorResponse> handler, string scheduledTime) =>
        handler.HandleAsync(
            new AggregatorRequest { ScheduledTime = DateTimeOffset.Parse(scheduledTime, System.Globalization.CultureInfo.InvariantCulture) },
            TestContext.Create(_time, _logs, TimeSpan.FromMinutes(1)));

    private async Task<(AggregatorResponse First, AggregatorResponse Second)> ProvisionalThenLateReadsAsync()
    {
        var handler = Handler();
        var first = await Run(handler, "2026-11-25T10:22:00Z");
        _lateReadsLoaded = true;
        _watermark = "2026-11-25 10:30:20";
        _time.Advance(TimeSpan.FromMinutes(15));
        var second = await Run(handler, "2026-11-25T10:37:00Z");
        return (first, second);
    }

    private static JsonElement Report(Dictionary<string, string> protocols) => JsonDocument.Parse(protocols["sqs"]).RootElement;

    [Fact]
    public async Task HandleAsync_ProvisionalThenLateReads_NextRunPublishesExactlyOneCorrection()
    {
        var (first, second) = await ProvisionalThenLateReadsAsync();
        _watermark = "2026-11-25 10:45:20";
        var third = await Run(Handler(), "2026-11-25T10:52:00Z"); // a new cold start: the history is the table's, not the handler's

        Assert.False(first.Complete);
        Assert.Equal(1, first.Revision);
        Assert.Equal(1, second.Revision); // [10:15, 10:30), its first report
        Assert.Equal(1, second.Corrections);
        Assert.Equal(0, third.Corrections); // both recent windows re-checked, neither changed
        Assert.Equal(
            ["2026-11-25 10:00:00 r1 provisional=true reads=1857", "2026-11-25 10:15:00 r1 provisional=false reads=1500",
             "2026-11-25 10:00:00 r2 provisional=false reads=2000", "2026-11-25 10:30:00 r1 provisional=false reads=1500"],
            _redshift.Revisions.Select(r => $"{r["window_start"]} r{r["revision"]} provisional={r["provisional"]} reads={r["reads"]}"));
        Assert.Equal(
            ["BadgeFlow CRITICAL PROVISIONAL 2026-11-25 10:00-10:15 UTC, worst Hall 0.90/m2 B 113%",
             "BadgeFlow INFO 2026-11-25 10:15-10:30 UTC, worst Foyer 2.50/m2 D 25%",
             "BadgeFlow CRITICAL CORRECTION r2 2026-11-25 10:00-10:15 UTC, reads 1857->2000, worst Foyer",
             "BadgeFlow INFO 2026-11-25 10:30-10:45 UTC, worst Foyer 2.50/m2 D 25%"],
            _sns.Published.Select(p => p.Subject));
        // Density queries: 10:22 its window; 10:37 its window and [10:00, 10:15); 10:52 its window, [10:15, 10:30) (one
        // back) and [10:00, 10:15) (two back, the default RECHECK_WINDOWS).
        Assert.Equal(1 + 2 + 3, _redshift.Executed.Count(s => s.Sql == BadgeFlow.Aggregator.Density.DensityQuery.Sql));
    }

    [Fact]
    public async Task HandleAsync_Correction_StatesTheChangeInTextJsonAndAttributes()
    {
        await ProvisionalThenLateReadsAsync();

        var correction = _sns.Published[2];
        var protocols = SnsMessageShape.AssertValid(correction);
        Assert.Equal("2", correction.MessageAttributes["revision"].StringValue);
        Assert.Equal("2026-11-25T10:00:00Z", correction.MessageAttributes["window_start"].StringValue);
        Assert.Contains(
            "CORRECTION: revision 2 of this window, superseding revision 1 (message 6f1c3a2b-5d4e-4f60-8a7b-000000000001): the figures in the warehouse changed.\n"
            + "Reads counted: 1857 -> 2000 (+143).\n"
            + "Severity unchanged: CRITICAL.\n"
            + "Worst zone: Hall (hall) -> Foyer (foyer).\n"
            + "Zones whose severity changed (1):\n"
            + "  Foyer (foyer): WARNING -> CRITICAL\n",
            protocols["default"], StringComparison.Ordinal);
        Assert.Contains("scheduled run of 2026-11-25 10:37 UTC", protocols["default"], StringComparison.Ordinal); // the run that corrected it
        Assert.DoesNotContain("PROVISIONAL", protocols["default"], StringComparison.Ordinal);
        Assert.StartsWith("BadgeFlow CRITICAL CORRECTION r2 10:00-10:15Z: Foyer 5.50/m2 F 55%", protocols["sms"], StringComparison.Ordinal);

        var report = Report(protocols);
        Assert.Equal(2, report.GetProperty("revision").GetInt32());
        var supersedes = report.GetProperty("supersedes");
        Assert.Equal(1, supersedes.GetProperty("revision").GetInt32());
        Assert.Equal("6f1c3a2b-5d4e-4f60-8a7b-000000000001", supersedes.GetProperty("messageId").GetString());
        Assert.Equal(Report(SnsMessageShape.AssertValid(_sns.Published[0])).GetProperty("figuresDigest").GetString(), supersedes.GetProperty("figuresDigest").GetString());
        var change = report.GetProperty("correction");
        Assert.Equal(1857, change.GetProperty("readsBefore").GetInt64());
        Assert.Equal(2000, change.GetProperty("readsAfter").GetInt64());
        Assert.Equal("hall", change.GetProperty("worstZoneBefore").GetString());
        Assert.Equal("foyer", change.GetProperty("worstZoneAfter").GetString());
        Assert.Equal(["foyer:WARNING->CRITICAL"], change.GetProperty("zonesChanged").EnumerateArray()
            .Select(z => $"{z.GetProperty("zoneId").GetString()}:{z.GetProperty("before").GetString()}->{z.GetProperty("after").GetString()}"));
        Assert.False(report.GetProperty("completeness").GetProperty("provisional").GetBoolean());
        Assert.False(report.TryGetProperty("staffing", out _)); // a correction describes the window, not where staff go now

        // A first report carries revision 1 and no correction.
        var first = Report(SnsMessageShape.AssertValid(_sns.Published[0]));
        Assert.Equal(1, first.GetProperty("revision").GetInt32());
        Assert.False(first.TryGetProperty("supersedes", out _));
        Assert.False(first.TryGetProperty("correction", out _));
    }

    [Fact]
    public async Task HandleAsync_RecheckUnchanged_NoCorrection()
    {
        var handler = Handler();
        _watermark = "2026-11-25 10:15:20"; // complete at once, and no late reads ever come
        _lateReadsLoaded = true;

        await Run(handler, "2026-11-25T10:22:00Z");
        var second = await Run(handler, "2026-11-25T10:37:00Z");

        Assert.Equal(0, second.Corrections);
        Assert.Equal(2, _sns.Published.Count); // one first report per window, nothing else
        Assert.Contains("Re-checked window 2026-11-25T10:00:00Z: figures unchanged since revision 1", _logs.ToString(), StringComparison.Ordinal);
        using var line = JsonDocument.Parse(_metrics.ToString().Trim().Split('\n')[^1]);
        Assert.Equal(0, line.RootElement.GetProperty("CorrectionsPublished").GetDouble());
    }

    [Fact]
    public async Task HandleAsync_RecordFailsAfterPublish_ThrowsAndTheRetryPublishesTheSameBytes()
    {
        var handler = Handler();
        _redshift.RecordError = new BadgeFlow.Aws.AwsServiceException("RedshiftData", "InternalServerException", "try again", 500, "r-1");

        await Assert.ThrowsAsync<BadgeFlow.Aws.AwsServiceException>(() => Run(handler, "2026-11-25T10:22:00Z"));
        _redshift.RecordError = null;
        var retry = await Run(handler, "2026-11-25T10:22:00Z");

        // Nothing was recorded, so the retry publishes revision 1 again: a duplicate, never a lost report.
        Assert.Equal(2, _sns.Published.Count);
        Assert.Equal(_sns.Published[0].Message, _sns.Published[1].Message);
        Assert.Equal(1, retry.Revision);
        Assert.Single(_redshift.Revisions);
    }

    [Fact]
    public async Task HandleAsync_FirstReport_RecordsRevisionWithDigestSevereZonesAndScheduledTime()
    {
        _lateReadsLoaded = true;
        _watermark = "2026-11-25 10:15:20";

        await Run(Handler(), "2026-11-25T10:22:00Z");

        var row = Assert.Single(_redshift.Revisions);
        Assert.Equal("2026-11-25 10:00:00", row["window_start"]);
        Assert.Equal("1", row["revision"]);
        Assert.Equal("false", row["provisional"]);
        Assert.Equal("2000", row["reads"]);
        Assert.Equal("CRITICAL", row["severity"]);
        Assert.Equal("foyer", row["worst_zone"]);
        Assert.Equal("""[{"zone":"foyer","severity":"CRITICAL"},{"zone":"hall","severity":"CRITICAL"}]""", row["zone_severities"]);
        Assert.Equal("2026-11-25 10:22:00", row["scheduled_time"]);
        Assert.Equal("6f1c3a2b-5d4e-4f60-8a7b-000000000001", row["message_id"]);
        Assert.Equal(FiguresDigest.Of(new WindowCounts(
            [new ZoneCounts("foyer", 130, 110, 120, 100), new ZoneCounts("hall", 95, 90, 70, 60)], 2000, 260, 12,
            new DateTimeOffset(2026, 11, 25, 10, 14, 58, 250, TimeSpan.Zero))), row["figures_digest"]);
        // Recorded after the Publish, through the Data API with string parameters only.
        var insert = Assert.Single(_redshift.Executed, s => s.Sql == ReportRevisionStore.RecordSql);
        Assert.DoesNotContain("2026", insert.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("--", insert.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_Backfill_ReportsOnlyItsWindowAndRechecksNothing()
    {
        var handler = Handler();
        _watermark = "2026-11-25 10:30:20";
        await Run(handler, "2026-11-25T10:22:00Z");
        _lateReadsLoaded = true;

        var backfill = await handler.HandleAsync(
            new AggregatorRequest { WindowStart = new DateTimeOffset(2026, 11, 25, 10, 15, 0, TimeSpan.Zero) },
            TestContext.Create(_time, _logs, TimeSpan.FromMinutes(1)));

        Assert.Equal(1, backfill.Revision);
        Assert.Equal(0, backfill.Corrections); // [10:00, 10:15) changed, but only a scheduled run re-checks
        Assert.Equal(2, _sns.Published.Count);
    }
}

public sealed class FiguresDigestTests
{
    [Fact]
    public void Of_HandWorkedCounts_IsSha256OfTheCanonicalText()
    {
        // printf 'reads 2000\nbadges 260\nunmapped 12\nlatest 2026-11-25T10:14:58.2500000Z\nzone cafe 10 8 0 0\n
        //         zone foyer 130 110 120 100\nzone hall 95 90 70 60\n' | sha256sum
        var counts = new WindowCounts(
            [new ZoneCounts("hall", 95, 90, 70, 60), new ZoneCounts("cafe", 10, 8, 0, 0), new ZoneCounts("foyer", 130, 110, 120, 100)],
            2000, 260, 12, new DateTimeOffset(2026, 11, 25, 10, 14, 58, 250, TimeSpan.Zero));

        Assert.Equal("9d99f04e5c4c8faba511c23259435183ea1e273b67b6d71e89029c671eeec5a7", FiguresDigest.Of(counts));
    }

    [Fact]
    public void Of_OneMoreRead_Differs()
    {
        var before = new WindowCounts([new ZoneCounts("hall", 95, 90, 70, 60)], 2000, 260, 12, null);

        Assert.NotEqual(FiguresDigest.Of(before), FiguresDigest.Of(before with { Reads = 2001 }));
        Assert.NotEqual(FiguresDigest.Of(before), FiguresDigest.Of(before with { Zones = [new ZoneCounts("hall", 95, 90, 70, 61)] }));
    }

    [Fact]
    public void Next_NoRevision_RevisionOne_SameDigest_Nothing_OtherDigest_NPlusOne()
    {
        var counts = new WindowCounts([], 10, 5, 0, null);
        var latest = new ReportRevision(DateTimeOffset.UnixEpoch, 3, true, FiguresDigest.Of(counts), 10, "INFO", "none", [], "m-3");

        Assert.Equal(1, PlannedRevision.Next(null, counts)!.Revision);
        Assert.Null(PlannedRevision.Next(latest, counts));
        var next = PlannedRevision.Next(latest, counts with { Reads = 11 })!;
        Assert.Equal(4, next.Revision);
        Assert.Same(latest, next.Supersedes);
    }
}
