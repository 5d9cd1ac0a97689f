using BadgeFlow.Domain.Density;

namespace BadgeFlow.Domain.Tests.Density;

/// <summary>Allocations worked out by hand (docs/density-report.md, "Staffing", has the first one step by step).</summary>
public sealed class StaffAllocatorTests
{
    private static ZoneDensity Zone(string id, double area, int capacity, long occupancy, LevelOfService level, Severity severity) =>
        new(0, id, id.ToUpperInvariant(), "expo", area, capacity, occupancy, occupancy, occupancy / area, (double)occupancy / capacity,
            level, severity, 0, 0, 0, LevelOfService.A);

    // Weights above 0.83 persons/m²: hall 300 - 83 = 217, foyer 400 - 166 = 234, cafe 60 - 41.5 = 18.5, room 0.
    private static IReadOnlyList<ZoneDensity> Campus(Severity hall = Severity.Critical) =>
    [
        Zone("hall", 100, 250, 300, LevelOfService.D, hall),
        Zone("foyer", 200, 500, 400, LevelOfService.D, Severity.Info),
        Zone("cafe", 50, 100, 60, LevelOfService.C, Severity.Info),
        Zone("room", 100, 100, 50, LevelOfService.A, Severity.Info),
    ];

    private static (string, int)[] Staff(StaffingPlan plan) => plan.Zones.Select(z => (z.ZoneId, z.Staff)).ToArray();

    [Fact]
    public void Weight_OccupancyAboveComfortableDensity_InHundredthsOfAPerson()
    {
        var allocator = new StaffAllocator();

        Assert.Equal([21_700L, 23_400L, 1_850L, 0L], Campus().Select(allocator.Weight).ToArray());
    }

    [Fact]
    public void Allocate_TenOnDutyOneCritical_CriticalFirstThenLargestRemainder()
    {
        // Hall 1 (critical); 9 left over 46,950: hall 4 r 7,500, foyer 4 r 22,800, cafe 0 r 16,650; the last seat to the foyer.
        var plan = new StaffAllocator().Allocate(Campus(), 10);

        Assert.Equal(10, plan.OnDuty);
        Assert.Equal([("foyer", 5), ("hall", 5)], Staff(plan));
        Assert.Equal(10, plan.Zones.Sum(z => z.Staff));
    }

    [Fact]
    public void Allocate_MoreCriticalZonesThanStaff_MostCrowdedCriticalZonesGetOneEach()
    {
        // Weights x 2,170, y 1,170, z 1,170: z is ahead of y on utilisation (1.2 vs 1.1).
        IReadOnlyList<ZoneDensity> zones =
        [
            Zone("y", 10, 18, 20, LevelOfService.E, Severity.Critical),
            Zone("x", 10, 20, 30, LevelOfService.E, Severity.Critical),
            Zone("z", 10, 16, 20, LevelOfService.E, Severity.Critical),
            Zone("w", 500, 1_000, 900, LevelOfService.C, Severity.Info),
        ];

        var plan = new StaffAllocator().Allocate(zones, 2);

        Assert.Equal([("x", 1), ("z", 1)], Staff(plan));
    }

    [Fact]
    public void Allocate_ZeroOnDuty_NoZoneAllocated()
    {
        var plan = new StaffAllocator().Allocate(Campus(), 0);

        Assert.Equal(0, plan.OnDuty);
        Assert.Empty(plan.Zones);
    }

    [Fact]
    public void Allocate_OneOnDutyWithCriticalZone_GoesToTheCriticalZone()
    {
        var plan = new StaffAllocator().Allocate(Campus(), 1);

        Assert.Equal([("hall", 1)], Staff(plan));
    }

    [Fact]
    public void Allocate_OneOnDutyNoCriticalZone_GoesToTheLargestWeight()
    {
        // No critical zone: the single seat is the largest remainder, the foyer's 23,400 of 46,950.
        var plan = new StaffAllocator().Allocate(Campus(hall: Severity.Warning), 1);

        Assert.Equal([("foyer", 1)], Staff(plan));
    }

    [Fact]
    public void Allocate_NobodyAboveComfortableDensity_ApportionedByOccupancy()
    {
        // Occupancy 40 and 20 of 60: p 8/3 = 2 r 2/3, q 4/3 = 1 r 1/3; the fourth to p.
        IReadOnlyList<ZoneDensity> zones =
        [
            Zone("q", 100, 100, 20, LevelOfService.A, Severity.Info),
            Zone("p", 100, 100, 40, LevelOfService.A, Severity.Info),
        ];

        var plan = new StaffAllocator().Allocate(zones, 4);

        Assert.Equal([("p", 3), ("q", 1)], Staff(plan));
    }

    [Fact]
    public void Allocate_NoZones_EmptyPlan()
    {
        var plan = new StaffAllocator().Allocate([], 5);

        Assert.Equal(5, plan.OnDuty);
        Assert.Empty(plan.Zones);
    }
}
