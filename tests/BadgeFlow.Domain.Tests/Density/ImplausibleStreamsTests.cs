using System.Globalization;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Domain.Tests.Density;

/// <summary>The plausibility rules (docs/density-report.md "Implausible streams") and how the report carries suspects.</summary>
public sealed class ImplausibleStreamsTests
{
    // room: 12.5 m² → bound ceil(2 × 9 × 12.5) = 225; hall: 100 m² → 1,800.
    private static readonly ZoneProfile[] Campus =
    [
        new("room", "Room", "expo", 12.5, 10),
        new("hall", "Hall", "expo", 100, 80),
    ];

    [Fact]
    public void BadgesPerMinuteBound_TwiceCrushDensityTimesArea_RoundedUp()
    {
        Assert.Equal(225, ImplausibleStreams.BadgesPerMinuteBound(Campus[0]));
        Assert.Equal(1800, ImplausibleStreams.BadgesPerMinuteBound(Campus[1]));
        Assert.Equal(19, ImplausibleStreams.BadgesPerMinuteBound(new ZoneProfile("z", "Z", "v", 1.01, 1))); // 18.18 → 19
        Assert.Equal(225, ImplausibleStreams.LowestBound(Campus));
    }

    [Fact]
    public void Assess_MinutesAboveTheirZonesBound_ExcludesExactlyThoseSensorMinutes()
    {
        // s-room-1 breaks room's 225 in minutes 100 and 102; at 225 exactly (minute 101) it is plausible. s-hall-1 reads
        // 1,000 a minute, under hall's 1,800. s-gone is in no registered zone: nothing to judge it by.
        IReadOnlyList<SensorMinute> minutes =
        [
            new("s-room-1", "room", 100, 2250, 2300),
            new("s-room-1", "room", 101, 225, 230),
            new("s-room-1", "room", 102, 400, 400),
            new("s-hall-1", "hall", 100, 1000, 1000),
            new("s-gone", "annex", 100, 5000, 5000),
        ];

        var result = ImplausibleStreams.Assess(Campus, minutes, []);

        var suspect = Assert.Single(result.Suspects);
        Assert.Equal(new SuspectSensor("s-room-1", "room", SuspectReason.Rate, 2700, 2250, 225, 0), suspect);
        Assert.Equal("|", result.ExcludedSensors);
        Assert.Equal("|s-room-1@100|s-room-1@102|", result.ExcludedSensorMinutes);
    }

    [Theory]
    [InlineData(3, 5, true)]    // 3 ≥ 3 and 3 > 2.5
    [InlineData(3, 6, false)]   // 3 is not more than half of 6
    [InlineData(2, 3, false)]   // most of its badges, but fewer than 3
    public void Assess_ImpossibleBadges_SuspectOnlyAtThreeAndOverHalf(long impossible, long badges, bool suspect)
    {
        var result = ImplausibleStreams.Assess(Campus, [], [new SensorConflicts("s-hall-1", "hall", impossible, badges, 50)]);

        Assert.Equal(suspect, result.Suspects.Count == 1);
        Assert.Equal(suspect ? "|s-hall-1|" : "|", result.ExcludedSensors);
    }

    [Fact]
    public void Assess_SensorSuspectOnBothCounts_ExcludedWholeOnceAsTwoVenues()
    {
        var result = ImplausibleStreams.Assess(Campus, [new SensorMinute("s-room-1", "room", 100, 2250, 2300)], [new SensorConflicts("s-room-1", "room", 2000, 2250, 2300)]);

        var suspect = Assert.Single(result.Suspects);
        Assert.Equal((SuspectReason.TwoVenues, 2300L, 2250L), (suspect.Reason, suspect.ExcludedReads, suspect.PeakBadgesPerMinute));
        Assert.Equal("|s-room-1|", result.ExcludedSensors);
        Assert.Equal("|", result.ExcludedSensorMinutes);
    }

    [Fact]
    public void Build_CountsWithSuspects_NamesThemAndCountsThemInTotals()
    {
        var window = ReportWindow.StartingAt(DateTimeOffset.Parse("2026-11-25T10:00:00Z", CultureInfo.InvariantCulture), TimeSpan.FromMinutes(15));
        var counts = new WindowCounts([new ZoneCounts("room", 6, 5, 0, 0)], 6, 5, 0, null)
        {
            SuspectSensors =
            [
                new SuspectSensor("s-room-9", "room", SuspectReason.Rate, 9000, 2250, 225, 0),
                new SuspectSensor("s-hall-7", "hall", SuspectReason.TwoVenues, 12, 0, 1800, 4),
            ],
        };

        var report = new DensityReportBuilder(5, SeverityThresholds.Default).Build(window, ReportTrigger.Backfill, Campus, counts);

        Assert.Equal(["s-room-9", "s-hall-7"], report.SuspectSensors.Select(s => s.SensorId));
        Assert.Equal((2, 9012L), (report.Totals.SuspectSensors, report.Totals.ExcludedReads));
        // The counts already leave the excess out: the room's 5 of 10 is 0.4 /m², INFO, whatever the forger sent.
        Assert.Equal(Severity.Info, report.Severity);
    }
}
