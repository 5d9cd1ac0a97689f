using System.Globalization;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Domain.Tests.Density;

public sealed class DensityReportBuilderTests
{
    private static readonly ReportWindow Window =
        ReportWindow.StartingAt(DateTimeOffset.Parse("2026-11-25T10:00:00Z", CultureInfo.InvariantCulture), TimeSpan.FromMinutes(15));

    private static readonly ReportTrigger Trigger =
        ReportTrigger.Scheduled(DateTimeOffset.Parse("2026-11-25T10:22:00Z", CultureInfo.InvariantCulture));

    private static readonly ZoneProfile[] Campus =
    [
        new("hall-a", "Hall A", "expo", 100, 80),
        new("foyer", "Foyer", "expo", 20, 200),
        new("room-1", "Room 1", "conf", 50, 40),
        new("room-2", "Room 2", "conf", 10, 100),
        new("cafe", "Cafe", "conf", 200, 150),
    ];

    private static readonly WindowCounts Counts = new(
        [
            new ZoneCounts("hall-a", Footfall: 120, Occupancy: 90, PreviousFootfall: 100, PreviousOccupancy: 60),
            new ZoneCounts("foyer", 130, 110, 90, 110),
            new ZoneCounts("room-1", 50, 35, 10, 5),
            new ZoneCounts("room-2", 41, 40, 45, 44),
            new ZoneCounts("annex", 3, 2, 0, 0), // reads carry a zone the registry no longer has
        ],
        Reads: 1_000,
        DistinctBadges: 300,
        UnmappedReads: 7,
        LatestReadAt: DateTimeOffset.Parse("2026-11-25T10:14:58Z", CultureInfo.InvariantCulture));

    private static DensityReport BuildDefault(int top = 2) =>
        new DensityReportBuilder(top, SeverityThresholds.Default).Build(Window, Trigger, Campus, Counts);

    [Fact]
    public void Build_FiveZones_RankedByDensity()
    {
        var report = BuildDefault();

        // densities by hand: foyer 110/20 = 5.5, room-2 40/10 = 4.0, hall-a 90/100 = 0.9, room-1 35/50 = 0.7, cafe 0/200 = 0
        Assert.Equal(["foyer", "room-2", "hall-a", "room-1", "cafe"], report.Zones.Select(z => z.ZoneId));
        Assert.Equal([1, 2, 3, 4, 5], report.Zones.Select(z => z.Rank));
        Assert.Equal([5.5, 4.0, 0.9, 0.7, 0.0], report.Zones.Select(z => z.Density));
    }

    [Fact]
    public void Build_FiveZones_LevelUtilisationSeverityPerZone()
    {
        var zones = BuildDefault().Zones.ToDictionary(z => z.ZoneId);

        // foyer: 5.5 > 5.38 → F → CRITICAL though only 110/200 = 0.55 of capacity.
        Assert.Equal((LevelOfService.F, 0.55, Severity.Critical), (zones["foyer"].Level, zones["foyer"].Utilisation, zones["foyer"].Severity));
        // room-2: 4.0 in (3.59, 5.38] → E → WARNING; 40/100 = 0.4.
        Assert.Equal((LevelOfService.E, 0.4, Severity.Warning), (zones["room-2"].Level, zones["room-2"].Utilisation, zones["room-2"].Severity));
        // hall-a: 0.9 in (0.83, 1.08] → B; 90/80 = 1.125 ≥ 1.0 → CRITICAL.
        Assert.Equal((LevelOfService.B, 1.125, Severity.Critical), (zones["hall-a"].Level, zones["hall-a"].Utilisation, zones["hall-a"].Severity));
        // room-1: 0.7 → A; 35/40 = 0.875 ≥ 0.85 → WARNING.
        Assert.Equal((LevelOfService.A, 0.875, Severity.Warning), (zones["room-1"].Level, zones["room-1"].Utilisation, zones["room-1"].Severity));
        // cafe: nobody read → 0, A, INFO, still reported.
        Assert.Equal((LevelOfService.A, 0.0, Severity.Info), (zones["cafe"].Level, zones["cafe"].Utilisation, zones["cafe"].Severity));
        Assert.Equal(0, zones["cafe"].Footfall);
    }

    [Fact]
    public void Build_PreviousWindow_ChangeAgainstIt()
    {
        var zones = BuildDefault().Zones.ToDictionary(z => z.ZoneId);

        // hall-a: 90 - 60 = +30; density 0.9 - 0.6 = +0.3; previous 0.6 → A.
        Assert.Equal(30, zones["hall-a"].OccupancyChange);
        Assert.Equal(0.3, zones["hall-a"].DensityChange);
        Assert.Equal(0.6, zones["hall-a"].PreviousDensity);
        Assert.Equal(LevelOfService.A, zones["hall-a"].PreviousLevel);
        // room-2: 40 - 44 = -4; 4.0 - 4.4 = -0.4.
        Assert.Equal(-4, zones["room-2"].OccupancyChange);
        Assert.Equal(-0.4, zones["room-2"].DensityChange);
        Assert.Equal(45, zones["room-2"].PreviousFootfall);
    }

    [Fact]
    public void Build_TopTwo_FirstTwoRanked()
    {
        var report = BuildDefault(top: 2);

        Assert.Equal(["foyer", "room-2"], report.Top.Select(z => z.ZoneId));
    }

    [Fact]
    public void Build_TopLargerThanCampus_AllZones()
    {
        Assert.Equal(5, BuildDefault(top: 10).Top.Count);
    }

    [Fact]
    public void Build_TwoCriticalZones_WorstIsDensestCritical()
    {
        var report = BuildDefault();

        Assert.Equal(Severity.Critical, report.Severity);
        Assert.Equal("foyer", report.WorstZone?.ZoneId);
    }

    [Fact]
    public void Build_Totals_SummedByHand()
    {
        var totals = BuildDefault().Totals;

        Assert.Equal(5, totals.Zones);
        Assert.Equal(4, totals.ZonesWithReads);
        Assert.Equal(2, totals.WarningZones); // room-1, room-2
        Assert.Equal(2, totals.CriticalZones); // foyer, hall-a
        Assert.Equal(275, totals.Occupancy); // 110 + 40 + 90 + 35 + 0
        Assert.Equal(570, totals.Capacity); // 200 + 100 + 80 + 40 + 150
        Assert.Equal(1.125, totals.MaxUtilisation);
        Assert.Equal(7, totals.UnmappedReads);
        Assert.Equal(1_000, totals.Reads);
        Assert.Equal(300, totals.DistinctBadges);
    }

    [Fact]
    public void Build_ZoneMissingFromRegistry_ListedAsUnregistered()
    {
        var report = BuildDefault();

        var annex = Assert.Single(report.UnregisteredZones);
        Assert.Equal(new UnregisteredZone("annex", 3, 2), annex);
        Assert.DoesNotContain(report.Zones, z => z.ZoneId == "annex");
    }

    [Fact]
    public void Build_LatestRead_FreshnessLagBehindWindowEnd()
    {
        var freshness = BuildDefault().Freshness;

        Assert.Equal(DateTimeOffset.Parse("2026-11-25T10:14:58Z", CultureInfo.InvariantCulture), freshness.LatestReadAt);
        Assert.Equal(TimeSpan.FromSeconds(2), freshness.LagBehindWindowEnd);
    }

    [Fact]
    public void Build_EmptyWindow_AllZonesInfoAndNoFreshness()
    {
        var report = new DensityReportBuilder(3, SeverityThresholds.Default)
            .Build(Window, ReportTrigger.Backfill, Campus, new WindowCounts([], 0, 0, 0, null));

        Assert.Equal(Severity.Info, report.Severity);
        Assert.All(report.Zones, z => Assert.Equal((0L, 0.0, LevelOfService.A), (z.Occupancy, z.Density, z.Level)));
        // all densities tie at 0 and utilisation at 0: the zone id decides, ordinal.
        Assert.Equal(["cafe", "foyer", "hall-a", "room-1", "room-2"], report.Zones.Select(z => z.ZoneId));
        Assert.Null(report.Freshness.LatestReadAt);
        Assert.Null(report.Freshness.LagBehindWindowEnd);
        Assert.True(report.Trigger.IsBackfill);
        Assert.Equal("cafe", report.WorstZone?.ZoneId);
    }

    [Fact]
    public void Build_SameDensityDifferentUtilisation_HigherUtilisationFirst()
    {
        ZoneProfile[] zones = [new("z-a", "A", "v", 10, 100), new("z-b", "B", "v", 10, 20)];
        var counts = new WindowCounts([new ZoneCounts("z-a", 10, 10, 0, 0), new ZoneCounts("z-b", 10, 10, 0, 0)], 20, 20, 0, null);

        var report = new DensityReportBuilder(10, SeverityThresholds.Default).Build(Window, Trigger, zones, counts);

        // both 10/10 = 1.0 persons/m²; utilisation z-b 10/20 = 0.5 beats z-a 10/100 = 0.1.
        Assert.Equal(["z-b", "z-a"], report.Zones.Select(z => z.ZoneId));
    }

    [Fact]
    public void Build_InputOrderShuffled_EqualReport()
    {
        var reversed = new WindowCounts(Counts.Zones.Reverse().ToList(), Counts.Reads, Counts.DistinctBadges, Counts.UnmappedReads, Counts.LatestReadAt);
        var builder = new DensityReportBuilder(2, SeverityThresholds.Default);

        var first = builder.Build(Window, Trigger, Campus, Counts);
        var second = builder.Build(Window, Trigger, Campus.Reverse().ToArray(), reversed);

        Assert.Equal(first.Zones, second.Zones);
        Assert.Equal(first.Totals, second.Totals);
    }

    [Fact]
    public void Build_DuplicateZoneInCounts_Throws()
    {
        var counts = new WindowCounts([new ZoneCounts("foyer", 1, 1, 0, 0), new ZoneCounts("foyer", 1, 1, 0, 0)], 2, 1, 0, null);

        Assert.Throws<ArgumentException>(() => new DensityReportBuilder(2, SeverityThresholds.Default).Build(Window, Trigger, Campus, counts));
    }

    [Fact]
    public void ZoneProfile_ZeroArea_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZoneProfile("z", "Z", "v", 0, 10));
    }
}
