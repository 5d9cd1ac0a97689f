using BadgeFlow.Local.Dashboard;

namespace BadgeFlow.Local.Tests.Dashboard;

public sealed class PublishedReportTests
{
    // The machine subscribers' report JSON as docs/density-report.md documents it (schema badgeflow.density-report/1),
    // written by hand: two zones, the densest first.
    private const string ReportJson =
        """
        {"schema":"badgeflow.density-report/1",
         "window":{"start":"2026-11-25T10:00:00Z","end":"2026-11-25T10:15:00Z","minutes":15},
         "trigger":"schedule","scheduledTime":"2026-11-25T10:22:00Z","severity":"WARNING","worstZone":"foyer",
         "totals":{"zones":2,"reads":120,"distinctBadges":45,"unmappedReads":3},
         "freshness":{"latestReadAt":"2026-11-25T10:14:58Z","lagSeconds":2},
         "top":[{"rank":1,"zoneId":"foyer","name":"Foyer","venue":"Hall A","footfall":40,"occupancy":30,"density":1.5,
                 "utilisation":0.9,"level":"C","severity":"WARNING","occupancyChange":12}],
         "zones":[{"rank":1,"zoneId":"foyer","name":"Foyer","venue":"Hall A","footfall":40,"occupancy":30,"density":1.5,
                   "utilisation":0.9,"level":"C","severity":"WARNING","occupancyChange":12},
                  {"rank":2,"zoneId":"expo","name":"Expo","venue":"Hall B","footfall":10,"occupancy":5,"density":0.05,
                   "utilisation":0.02,"level":"A","severity":"INFO","occupancyChange":-4}],
         "zonesOmitted":0}
        """;

    [Fact]
    public void Read_PublishedReport_WindowZonesAndTotalsAsPublished()
    {
        var report = PublishedReport.Read(ReportJson, "BadgeFlow WARNING 2026-11-25 10:00-10:15 UTC, worst Foyer");

        Assert.NotNull(report);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), report.WindowStart);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 15, 0, TimeSpan.Zero), report.WindowEnd);
        Assert.Equal("WARNING", report.Severity);
        Assert.Equal(["foyer"], report.Top);
        Assert.Equal(["foyer|30|1.5|C|12", "expo|5|0.05|A|-4"],
            report.Zones.Select(z => FormattableString.Invariant($"{z.ZoneId}|{z.Occupancy}|{z.Density}|{z.Level}|{z.OccupancyChange}")));
        Assert.Equal(120, report.Reads);
        Assert.Equal(3, report.UnmappedReads);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 14, 58, TimeSpan.Zero), report.LatestReadAt);
    }

    [Fact]
    public void Read_Correction_RevisionSupersededAndProvisionalAsPublished()
    {
        // As docs/density-report.md ("Corrections") documents a correction's fields.
        var correction = ReportJson.Replace(
            "\"zonesOmitted\":0}",
            "\"zonesOmitted\":0,\"revision\":2,\"figuresDigest\":\"ab\",\"supersedes\":{\"revision\":1,\"figuresDigest\":\"cd\",\"messageId\":\"m-1\"},"
            + "\"completeness\":{\"provisional\":true,\"watermark\":null,\"dataLagSeconds\":null,\"missingReadsEstimate\":null}}",
            StringComparison.Ordinal);

        var report = PublishedReport.Read(correction, "BadgeFlow WARNING CORRECTION r2 2026-11-25 10:00-10:15 UTC, reads 100->120, worst Foyer");

        Assert.NotNull(report);
        Assert.Equal(2, report.Revision);
        Assert.Equal(1, report.Supersedes);
        Assert.True(report.Provisional);
        var first = PublishedReport.Read(ReportJson, null)!;
        Assert.Null(first.Revision); // an Aggregator without revisions: the demo counts it as revision 1
        Assert.Null(first.Supersedes);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"message":"some other notification"}""")]
    public void Read_NotADensityReport_Null(string json) => Assert.Null(PublishedReport.Read(json, subject: null));
}
