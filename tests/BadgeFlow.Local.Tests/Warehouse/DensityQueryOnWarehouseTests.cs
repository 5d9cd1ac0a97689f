using System.Globalization;
using System.Text;
using BadgeFlow.Domain.Density;
using BadgeFlow.Local.Warehouse;
using BadgeFlow.Testing;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>
/// The Aggregator's density query (functions/BadgeFlow.Aggregator/Density/DensityQuery.sql), created by the Schema
/// function's DDL, loaded the way Firehose loads, and run on the local warehouse over a data set whose every expected
/// figure is worked out by hand below.
/// </summary>
public sealed class DensityQueryOnWarehouseTests : IDisposable
{
    // Report window [10:00, 10:15); previous window [09:45, 10:00). Zones: hall (s-hall-1, s-hall-2), foyer (s-foyer),
    // cafe (s-cafe); s-ghost is missing from the registry, so Transform wrote zone_id null.
    private static readonly string[] Reads =
    [
        // previous window
        Read("p1", "2026-11-25 09:45:00.000000", "b1", "s-foyer", "foyer"), // exactly on the previous start: included
        Read("p2", "2026-11-25 09:50:00.000000", "b2", "s-hall-1", "hall"),
        Read("p3", "2026-11-25 09:59:59.999999", "b1", "s-hall-1", "hall"), // last instant of the previous window
        Read("p4", "2026-11-25 09:44:59.999999", "b9", "s-cafe", "cafe"), // before the previous window: in neither
        // report window
        Read("c1", "2026-11-25 10:00:00.000000", "b2", "s-hall-2", "hall"), // exactly on the window start: current
        Read("c2", "2026-11-25 10:05:00.000000", "b1", "s-foyer", "foyer"),
        Read("c3", "2026-11-25 10:06:00.000000", "b1", "s-hall-1", "hall"),
        Read("c4", "2026-11-25 10:07:00.000000", "b1", "s-cafe", "cafe"), // b1 seen in three zones, last in cafe
        Read("c5", "2026-11-25 10:08:00.000000", "b3", "s-ghost", null),
        Read("c6", "2026-11-25 10:09:00.000000", "b3", "s-foyer", "foyer"),
        Read("c7", "2026-11-25 10:10:00.000000", "b4", "s-foyer", "foyer"),
        Read("c8", "2026-11-25 10:12:00.000000", "b4", "s-ghost", null), // b4 last seen by an unmapped sensor
        Read("c9", "2026-11-25 10:11:00.000000", "b5", "s-hall-1", "hall"),
        Read("c10", "2026-11-25 10:11:00.000000", "b5", "s-hall-2", "hall"), // same instant, same zone
        Read("c11", "2026-11-25 10:13:00.000000", "b6", "s-cafe", "cafe"),
        Read("c12", "2026-11-25 10:13:00.000000", "b6", "s-foyer", "foyer"), // same instant, other zone: tie on sensor_id
        Read("c13", "2026-11-25 10:14:00.000000", "b2", "s-hall-2", "hall"),
        Read("c13", "2026-11-25 10:14:00.000000", "b2", "s-hall-2", "hall"), // delivered twice by Firehose
        Read("c14", "2026-11-25 10:15:00.000000", "b7", "s-cafe", "cafe"), // exactly on the window end: excluded
        Read("c15", "2026-11-25 10:14:59.500000", "b8", "s-ghost", null), // latest read before the window end
    ];

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
        // cafe:  footfall {b1 (c4), b6 (c11)} = 2; latest reads: b1 → c4 cafe (after c2 foyer, c3 hall) = 1;
        //        b6's c11 (s-cafe) and c12 (s-foyer) tie at 10:13, sensor_id DESC picks s-foyer, so b6 is not here.
        //        previous: p4 is before 09:45, so 0 and 0.
        // foyer: footfall {b1 (c2), b3 (c6), b4 (c7), b6 (c12)} = 4; occupancy {b3 (c6 after c5 ghost), b6 (c12)} = 2;
        //        b4's latest is c8 on s-ghost, so b4 occupies no zone. previous: footfall {b1 (p1)} = 1;
        //        b1's latest previous read is p3 in hall, so previous occupancy 0.
        // hall:  footfall {b1 (c3), b2 (c1, c13), b5 (c9, c10)} = 3; occupancy {b2 (c13), b5 (c9/c10 tie, both hall)} = 2;
        //        previous: footfall {b2 (p2), b1 (p3)} = 2, occupancy {b2 (p2), b1 (p3 at 09:59:59.999999)} = 2.
        Assert.Equal(
            [
                "summary|null|null|null|null|null|14|7|3|2026-11-25 10:14:59.5",
                "zone|cafe|2|1|0|0|null|null|null|null",
                "zone|foyer|4|2|1|0|null|null|null|null",
                "zone|hall|3|2|2|2|null|null|null|null",
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

        // cafe 1 / 0.25 = 4.0 /m² → E → WARNING (utilisation 1/5 = 0.2)
        // hall 2 / 2 = 1.0 /m² → B; utilisation 2/2 = 1.0 → CRITICAL; previous 2/2 = 1.0, change 0
        // foyer 2 / 4 = 0.5 /m² → A; utilisation 2/10 = 0.2 → INFO; previous occupancy 0, change +2 (+0.5 /m²)
        Assert.Equal(["cafe", "hall", "foyer"], report.Zones.Select(z => z.ZoneId));
        Assert.Equal([4.0, 1.0, 0.5], report.Zones.Select(z => z.Density));
        Assert.Equal([LevelOfService.E, LevelOfService.B, LevelOfService.A], report.Zones.Select(z => z.Level));
        Assert.Equal([Severity.Warning, Severity.Critical, Severity.Info], report.Zones.Select(z => z.Severity));
        Assert.Equal([1L, 0L, 2L], report.Zones.Select(z => z.OccupancyChange));
        Assert.Equal(Severity.Critical, report.Severity);
        Assert.Equal("hall", report.WorstZone?.ZoneId);
        Assert.Equal(["cafe", "hall"], report.Top.Select(z => z.ZoneId));
        Assert.Equal(3, report.Totals.UnmappedReads);
        Assert.Equal(5, report.Totals.Occupancy); // 1 + 2 + 2
        Assert.Equal(TimeSpan.FromSeconds(0.5), report.Freshness.LagBehindWindowEnd);
    }

    private WarehouseResult RunDensityQuery(string previousStart, string windowStart, string windowEnd) =>
        _warehouse.Execute(
            File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Aggregator", "Density", "DensityQuery.sql")),
            [
                new WarehouseParameter("window_start", windowStart),
                new WarehouseParameter("window_end", windowEnd),
                new WarehouseParameter("previous_start", previousStart),
            ]);

    internal static IReadOnlyList<string> SchemaStatements() =>
        File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Schema", "Schema.sql"))
            .Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .ToList();

    private static string Read(string readId, string readAt, string badge, string sensor, string? zone) =>
        $$"""{"read_id":"{{readId}}","read_at":"{{readAt}}","badge_hash":"{{badge}}","sensor_id":"{{sensor}}","zone_id":{{(zone is null ? "null" : $"\"{zone}\"")}},"venue":{{(zone is null ? "null" : "\"expo\"")}},"rssi":-60,"received_at":"{{readAt}}","source":"api"}""";

    private static string Render(IReadOnlyList<WarehouseField> row) =>
        string.Join('|', row.Select(f => f.IsNull == true ? "null" : f.LongValue?.ToString(CultureInfo.InvariantCulture) ?? f.StringValue));

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
