using System.Globalization;
using System.Text;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aggregator.Suspects;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Density;
using BadgeFlow.Local.Warehouse;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>
/// The implausible-stream check (functions/BadgeFlow.Aggregator/Suspects/SuspectStreams.sql and ImplausibleStreams) and
/// the density query's exclusion on the local warehouse: a forged stream is flagged and its reads do not count.
/// </summary>
public sealed class ImplausibleStreamsOnWarehouseTests : IDisposable
{
    // Window [10:00, 10:15). hall (venue expo): 10 m², capacity 8 → bound ceil(2 × 9 × 10) = 180 distinct badges a minute.
    // arena (venue dome): 400 m², capacity 300 → bound 7,200.
    private static readonly ZoneProfile[] Campus =
    [
        new("hall", "Hall", "expo", 10, 8),
        new("arena", "Arena", "dome", 400, 300),
    ];

    private static readonly ReportWindow Window = ReportWindow.StartingAt(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(15));

    private readonly Local.Warehouse.Warehouse _warehouse = Local.Warehouse.Warehouse.Open(":memory:");
    private readonly List<string> _reads = [];

    public ImplausibleStreamsOnWarehouseTests() =>
        _warehouse.ExecuteBatch(CraftedReads.SchemaStatements(), []);

    public void Dispose() => _warehouse.Dispose();

    [Fact]
    public void ForgedStreamAtTenTimesItsZonesBound_IsFlaggedAndItsZoneStaysInfo()
    {
        // The real crowd: 5 badges read in hall at 10:10 by s-hall-1 (occupancy 5 of 8: utilisation 0.625, 0.5 /m², INFO).
        for (var b = 0; b < 5; b++)
        {
            Add($"real-{b}", "2026-11-25 10:10:00", $"badge-{b}", "s-hall-1", "hall", "expo");
        }

        // The forgery: s-hall-9 posts 1,800 distinct badges a minute (10 × 180) from 10:05:00 to 10:09:59, 9,000 reads.
        for (var minute = 5; minute < 10; minute++)
        {
            for (var b = 0; b < 1800; b++)
            {
                Add($"forged-{minute}-{b}", $"2026-11-25 10:{minute:D2}:{b % 60:D2}.{b / 60:D3}", $"fake-{minute}-{b}", "s-hall-9", "hall", "expo");
            }
        }

        Load();

        var exclusions = Suspects();
        var suspect = Assert.Single(exclusions.Suspects);
        Assert.Equal(("s-hall-9", "hall", SuspectReason.Rate), (suspect.SensorId, suspect.ZoneId, suspect.Reason));
        Assert.Equal((9000L, 1800L, 180L), (suspect.ExcludedReads, suspect.PeakBadgesPerMinute, suspect.BadgesPerMinuteBound));

        var report = Report(exclusions);
        var hall = report.Zones.Single(z => z.ZoneId == "hall");
        Assert.Equal(5, hall.Occupancy);
        Assert.Equal(5, hall.Footfall);
        Assert.Equal(Severity.Info, hall.Severity);
        Assert.Equal(Severity.Info, report.Severity);
        Assert.Equal(5, report.Totals.Reads);
        Assert.Equal((1, 9000L), (report.Totals.SuspectSensors, report.Totals.ExcludedReads));
        Assert.Equal(["s-hall-9"], report.SuspectSensors.Select(s => s.SensorId));

        // Without the check the forgery would have made hall CRITICAL: 5 + 9,000 badges in 10 m².
        var unchecked_ = Report(StreamExclusions.None);
        Assert.Equal(9005, unchecked_.Zones.Single(z => z.ZoneId == "hall").Occupancy);
        Assert.Equal(Severity.Critical, unchecked_.Severity);
    }

    [Fact]
    public void SensorReadingBadgesSeenAtAnotherVenueWithinAMinute_IsFlaggedAndAllItsReadsExcluded()
    {
        // badge-0..3 are in hall (venue expo) at 10:10:00; s-arena-7 (venue dome) claims them 20 s later, and one more.
        for (var b = 0; b < 4; b++)
        {
            Add($"real-{b}", "2026-11-25 10:10:00", $"badge-{b}", "s-hall-1", "hall", "expo");
            Add($"copy-{b}", "2026-11-25 10:10:20", $"badge-{b}", "s-arena-7", "arena", "dome");
        }

        Add("own", "2026-11-25 10:11:00", "badge-9", "s-arena-7", "arena", "dome");
        // s-hall-1 is a real, busy sensor: 100 more badges, so the 4 shared ones are 3.8 % of what it read.
        for (var b = 100; b < 200; b++)
        {
            Add($"busy-{b}", "2026-11-25 10:12:00", $"badge-{b}", "s-hall-1", "hall", "expo");
        }

        // badge-5 read at both venues 61 s apart: possible, no conflict.
        Add("walk-1", "2026-11-25 10:00:00", "badge-5", "s-hall-1", "hall", "expo");
        Add("walk-2", "2026-11-25 10:01:01", "badge-5", "s-arena-8", "arena", "dome");
        Load();

        var exclusions = Suspects();

        // s-arena-7: 4 of its 5 badges impossible (at least 3, and more than half): suspect, all 5 of its reads out.
        // s-hall-1 has the same 4 conflicts, but among 105 badges (3.8 %): not suspect.
        var suspect = Assert.Single(exclusions.Suspects);
        Assert.Equal(("s-arena-7", SuspectReason.TwoVenues, 5L, 4L), (suspect.SensorId, suspect.Reason, suspect.ExcludedReads, suspect.ImpossibleBadges));
        var report = Report(exclusions);
        Assert.Equal(1, report.Zones.Single(z => z.ZoneId == "arena").Footfall); // badge-5, by s-arena-8 only
        Assert.Equal(105, report.Zones.Single(z => z.ZoneId == "hall").Footfall);
    }

    [Fact]
    public void TwoVenueReadsInNeighbouringMinutes_UnderSixtySecondsConflictAndSixtyDoNot()
    {
        // badge-0..3 in hall at 10:10:59.950; s-arena-7 claims them at 10:11:59.849, 59.899 s later and one minute later
        // by FLOOR(epoch / 60). badge-10..13 in hall at 10:12:30; s-arena-8 claims them at 10:13:30, exactly 60 s later.
        for (var b = 0; b < 4; b++)
        {
            Add($"real-{b}", "2026-11-25 10:10:59.950", $"badge-{b}", "s-hall-1", "hall", "expo");
            Add($"copy-{b}", "2026-11-25 10:11:59.849", $"badge-{b}", "s-arena-7", "arena", "dome");
            Add($"real-{b + 10}", "2026-11-25 10:12:30", $"badge-{b + 10}", "s-hall-1", "hall", "expo");
            Add($"late-{b + 10}", "2026-11-25 10:13:30", $"badge-{b + 10}", "s-arena-8", "arena", "dome");
        }

        // s-hall-1 is busy: 100 more badges, so its 4 conflicts are 3.7 % of the 108 it read.
        for (var b = 100; b < 200; b++)
        {
            Add($"busy-{b}", "2026-11-25 10:12:00", $"badge-{b}", "s-hall-1", "hall", "expo");
        }

        Load();

        // s-arena-7: all 4 of its badges impossible: suspect. s-arena-8: none (60 s is possible): kept.
        var suspect = Assert.Single(Suspects().Suspects);
        Assert.Equal(("s-arena-7", SuspectReason.TwoVenues, 4L, 4L), (suspect.SensorId, suspect.Reason, suspect.ExcludedReads, suspect.ImpossibleBadges));
    }

    private void Add(string readId, string readAt, string badge, string sensor, string zone, string venue) =>
        _reads.Add($$"""{"read_id":"{{readId}}","read_at":"{{readAt}}","badge_hash":"{{badge}}","sensor_id":"{{sensor}}","zone_id":"{{zone}}","venue":"{{venue}}","rssi":-60,"received_at":"{{readAt}}","source":"api"}""");

    private void Load()
    {
        using var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', _reads) + "\n"));
        _warehouse.LoadJsonLines("badge_reads", lines);
    }

    private StreamExclusions Suspects()
    {
        var result = Run(SuspectQuery.Sql, SuspectQuery.Parameters(Window, TimeSpan.FromMinutes(24), ImplausibleStreams.LowestBound(Campus)));
        var (minutes, conflicts) = SuspectQuery.Read(result.Columns, result.Records);
        return ImplausibleStreams.Assess(Campus, minutes, conflicts);
    }

    private DensityReport Report(StreamExclusions exclusions)
    {
        var result = Run(DensityQuery.Sql, DensityQuery.Parameters(Window, TimeSpan.FromMinutes(24), exclusions));
        var counts = DensityQuery.Read(result.Columns, result.Records) with { SuspectSensors = exclusions.Suspects };
        return new DensityReportBuilder(10, SeverityThresholds.Default).Build(Window, ReportTrigger.Backfill, Campus, counts);
    }

    private (IReadOnlyList<ColumnMetadata> Columns, IReadOnlyList<IReadOnlyList<Field>> Records) Run(string sql, IReadOnlyList<SqlParameter> parameters)
    {
        var result = _warehouse.Execute(sql, [.. parameters.Select(p => new WarehouseParameter(p.Name, p.Value))]);
        return (
            [.. result.Columns.Select(c => new ColumnMetadata(c.Name, c.TypeName))],
            [.. result.Records.Select(r => (IReadOnlyList<Field>)[.. r.Select(f => new Field(f.IsNull == true, f.BooleanValue, f.LongValue, f.DoubleValue, f.StringValue))])]);
    }
}
