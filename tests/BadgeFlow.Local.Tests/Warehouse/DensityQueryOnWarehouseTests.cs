using System.Globalization;
using System.Text;
using BadgeFlow.Domain.Density;
using BadgeFlow.Local.Warehouse;
using BadgeFlow.Testing;
using static BadgeFlow.Local.Tests.Warehouse.CraftedReads;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>
/// The Aggregator's density query (functions/BadgeFlow.Aggregator/Density/DensityQuery.sql), created by the Schema
/// function's DDL, loaded the way Firehose loads, and run on the local warehouse over a data set whose every expected
/// figure is worked out by hand below.
/// </summary>
public sealed class DensityQueryOnWarehouseTests : IDisposable
{
    private readonly Local.Warehouse.Warehouse _warehouse = Local.Warehouse.Warehouse.Open(":memory:");

    public DensityQueryOnWarehouseTests()
    {
        _warehouse.ExecuteBatch(SchemaStatements(), []);
        using var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Reads) + "\n"));
        Assert.Equal(Reads.Length, _warehouse.LoadJsonLines("badge_reads", lines));
    }

    public void Dispose() => _warehouse.Dispose();

    [Fact]
    public void DensityQuery_CraftedReads_ExactlyTheHandWorkedCounts()
    {
        var result = RunDensityQuery("2026-11-25 09:45:00", "2026-11-25 10:00:00", "2026-11-25 10:15:00");

        Assert.Equal(
            [
                "row_kind", "zone_id", "footfall", "occupancy", "previous_footfall", "previous_occupancy",
                "reads", "distinct_badges", "unmapped_reads", "latest_read_at",
            ],
            result.Columns.Select(c => c.Name));
        Assert.Equal(["varchar", "varchar", "int8", "int8", "int8", "int8", "int8", "int8", "int8", "timestamp"], result.Columns.Select(c => c.TypeName));

        // ORDER BY row_kind, zone_id: 'summary' sorts before 'zone'.
        // summary, window [10:00, 10:15):
        //   reads: c1..c13 and c15 = 14 distinct read ids (c13 loaded twice counts once; c14 is at 10:15, outside)
        //   distinct badges: b1 b2 b3 b4 b5 b6 b8 = 7
        //   unmapped reads: c5, c8, c15 = 3
        //   latest read_at before 10:15: c15 at 10:14:59.5 (Redshift's text: fraction without trailing zeros)
        // Occupancy at 10:15, latest read in [09:51, 10:15) per badge: b1 → c4 cafe (after c2 foyer, c3 hall, p3 hall);
        //   b2 → c13 hall; b3 → c6 foyer (after c5 ghost); b4 → c8 ghost (no zone); b5 → c9/c10 tie, both hall;
        //   b6 → c11 (s-cafe) and c12 (s-foyer) tie at 10:13, sensor_id DESC picks s-foyer; b8 → c15 ghost;
        //   b10 → p5 cafe; b12 → p7 hall (exactly on the horizon); b11 (p6 at 09:50:59) and b13 (p8) have timed out.
        //   cafe {b1, b10} = 2, foyer {b3, b6} = 2, hall {b2, b5, b12} = 3, stage 0.
        // Occupancy at 10:00, latest read in [09:36, 10:00): b1 → p3 hall (after p1 foyer); b2 → p2 hall; b9 → p4 cafe;
        //   b10 → p5 cafe; b11 → p6 foyer; b12 → p7 hall; b13 → p8 stage.
        //   cafe {b9, b10} = 2, foyer {b11} = 1, hall {b1, b2, b12} = 3, stage {b13} = 1.
        // Footfall [10:00, 10:15): cafe {b1 (c4), b6 (c11)} = 2; foyer {b1, b3, b4, b6} = 4; hall {b1, b2, b5} = 3.
        // Footfall [09:45, 10:00): cafe {b10} = 1 (p4 is before 09:45); foyer {b1 (p1), b11} = 2; hall {b2, b1, b12} = 3;
        //   stage 0 (p8 is before 09:45), but stage has a row: a badge occupied it at 10:00.
        Assert.Equal(
            [
                "summary|null|null|null|null|null|14|7|3|2026-11-25 10:14:59.5",
                "zone|cafe|2|2|1|2|null|null|null|null",
                "zone|foyer|4|2|2|1|null|null|null|null",
                "zone|hall|3|3|3|3|null|null|null|null",
                "zone|stage|0|0|0|1|null|null|null|null",
            ],
            result.Records.Select(Render));
    }

    [Fact]
    public void DensityQuery_TimeoutOfOneWindow_LatestReadWithinTheWindowAsBefore()
    {
        // A 15-minute timeout puts the horizons on the window starts: the former definition (latest read in the window).
        var result = RunDensityQuery("2026-11-25 09:45:00", "2026-11-25 10:00:00", "2026-11-25 10:15:00", presenceTimeoutMinutes: 15);

        // At 10:15, reads in [10:00, 10:15): cafe {b1} = 1 (b10's p5 is before 10:00), foyer {b3, b6} = 2, hall {b2, b5} = 2.
        // At 10:00, reads in [09:45, 10:00): cafe {b10} = 1 (b9's p4 is before 09:45), foyer {b11} = 1,
        //   hall {b1 (p3), b2, b12} = 3; stage has no read in either window, so no row.
        Assert.Equal(
            [
                "summary|null|null|null|null|null|14|7|3|2026-11-25 10:14:59.5",
                "zone|cafe|2|1|1|1|null|null|null|null",
                "zone|foyer|4|2|2|1|null|null|null|null",
                "zone|hall|3|2|3|3|null|null|null|null",
            ],
            result.Records.Select(Render));
    }

    [Fact]
    public void DensityQuery_EmptyWindow_OnlySummaryWithLatestEarlierRead()
    {
        var result = RunDensityQuery("2026-11-25 11:45:00", "2026-11-25 12:00:00", "2026-11-25 12:15:00");

        // No read in [11:45, 12:15): no zone rows; zero counts; the latest read before 12:15 is c14 at exactly 10:15:00,
        // which Redshift prints without a fraction.
        Assert.Equal(["summary|null|null|null|null|null|0|0|0|2026-11-25 10:15:00"], result.Records.Select(Render));
    }

    [Fact]
    public void DensityQuery_BeforeAnyData_SummaryWithNullFreshness()
    {
        var result = RunDensityQuery("2026-11-24 09:45:00", "2026-11-24 10:00:00", "2026-11-24 10:15:00");

        Assert.Equal(["summary|null|null|null|null|null|0|0|0|null"], result.Records.Select(Render));
    }

    [Fact]
    public void DensityQuery_CountsThroughReportBuilder_HandWorkedReport()
    {
        var result = RunDensityQuery("2026-11-25 09:45:00", "2026-11-25 10:00:00", "2026-11-25 10:15:00");
        var counts = ToWindowCounts(result);
        ZoneProfile[] campus =
        [
            new("hall", "Hall", "expo", areaSquareMetres: 2, capacity: 2),
            new("foyer", "Foyer", "expo", areaSquareMetres: 4, capacity: 10),
            new("cafe", "Cafe", "expo", areaSquareMetres: 0.25, capacity: 5),
        ];
        var window = ReportWindow.StartingAt(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(15));

        var report = new DensityReportBuilder(2, SeverityThresholds.Default).Build(window, ReportTrigger.Backfill, campus, counts);

        // cafe 2 / 0.25 = 8.0 /m² → F → CRITICAL (utilisation 2/5 = 0.4); previous 2, change 0
        // hall 3 / 2 = 1.5 /m² → C; utilisation 3/2 = 1.5 → CRITICAL; previous 3, change 0
        // foyer 2 / 4 = 0.5 /m² → A; utilisation 2/10 = 0.2 → INFO; previous occupancy 1, change +1
        // Worst zone: cafe and hall are both CRITICAL, cafe is the denser.
        Assert.Equal(["cafe", "hall", "foyer"], report.Zones.Select(z => z.ZoneId));
        Assert.Equal([8.0, 1.5, 0.5], report.Zones.Select(z => z.Density));
        Assert.Equal([LevelOfService.F, LevelOfService.C, LevelOfService.A], report.Zones.Select(z => z.Level));
        Assert.Equal([Severity.Critical, Severity.Critical, Severity.Info], report.Zones.Select(z => z.Severity));
        Assert.Equal([0L, 0L, 1L], report.Zones.Select(z => z.OccupancyChange));
        Assert.Equal(Severity.Critical, report.Severity);
        Assert.Equal("cafe", report.WorstZone?.ZoneId);
        Assert.Equal(["cafe", "hall"], report.Top.Select(z => z.ZoneId));
        Assert.Equal(3, report.Totals.UnmappedReads);
        Assert.Equal(7, report.Totals.Occupancy); // 2 + 3 + 2
        Assert.Equal(TimeSpan.FromSeconds(0.5), report.Freshness.LagBehindWindowEnd);
    }

    private WarehouseResult RunDensityQuery(string previousStart, string windowStart, string windowEnd, int presenceTimeoutMinutes = 24) =>
        _warehouse.Execute(
            DensityQuerySql(),
            Parameters(previousStart, windowStart, windowEnd, presenceTimeoutMinutes).Select(p => new WarehouseParameter(p.Key, p.Value!)).ToArray());

    // Independent of the Aggregator's own parser: reads the rows by column name, as the test's arithmetic does.
    private static WindowCounts ToWindowCounts(WarehouseResult result)
    {
        var index = result.Columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var zones = new List<ZoneCounts>();
        WindowCounts? summary = null;
        foreach (var row in result.Records)
        {
            long Long(string name) => row[index[name]].LongValue!.Value;
            if (row[index["row_kind"]].StringValue == "zone")
            {
                zones.Add(new ZoneCounts(row[index["zone_id"]].StringValue!, Long("footfall"), Long("occupancy"), Long("previous_footfall"), Long("previous_occupancy")));
            }
            else
            {
                var latest = row[index["latest_read_at"]];
                summary = new WindowCounts([], Long("reads"), Long("distinct_badges"), Long("unmapped_reads"),
                    latest.IsNull == true ? null : DateTimeOffset.Parse(latest.StringValue! + "Z", CultureInfo.InvariantCulture));
            }
        }

        return summary! with { Zones = zones };
    }
}
