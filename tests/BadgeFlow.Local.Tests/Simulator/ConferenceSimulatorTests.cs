using BadgeFlow.Domain.Density;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Testing;
using System.Globalization;
using System.Text.RegularExpressions;
using BadgeFlow.Local.Simulator;

namespace BadgeFlow.Local.Tests.Simulator;

public sealed class ConferenceSimulatorTests
{
    private static readonly ConferenceOptions Small = new() { Attendees = 2_000, Seed = 7 };

    [Fact]
    public void Plan_SameSeed_SameReads()
    {
        var campus = TestCampus.Create();
        var first = ConferenceSimulator.Plan(campus, Small);
        var second = ConferenceSimulator.Plan(campus, Small);

        Assert.Equal(first.Reads, second.Reads);
        var start = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(first.ToWire(first.Reads[1234], start), second.ToWire(second.Reads[1234], start));
    }

    [Fact]
    public void Plan_DifferentSeed_DifferentReads()
    {
        var campus = TestCampus.Create();
        var first = ConferenceSimulator.Plan(campus, Small);
        var other = ConferenceSimulator.Plan(campus, Small with { Seed = 8 });

        Assert.NotEqual(first.Reads, other.Reads);
    }

    [Fact]
    public void Plan_TwoHourDay_EightWindowsWithTheAgendasActivities()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), Small);

        AgendaActivity[] expected =
        [
            AgendaActivity.Registration, AgendaActivity.Keynote, AgendaActivity.Keynote, AgendaActivity.Break,
            AgendaActivity.Sessions, AgendaActivity.Lunch, AgendaActivity.Sessions, AgendaActivity.Break,
        ];
        Assert.Equal(expected, plan.Crowds.Select(c => c.Activity));
        Assert.Equal(TimeSpan.FromMinutes(120), plan.Crowds[^1].End);
    }

    [Fact]
    public void Plan_EveryWindow_DensestZoneIsWhereTheAgendaSendsTheCrowd()
    {
        var campus = TestCampus.Create();
        var plan = ConferenceSimulator.Plan(campus, Small);

        // Registration desks at the opening, the arena during the keynote, the rooms in session blocks, the food courts
        // at lunch, and food/expo/corridors in breaks.
        string[][] expected =
        [
            ["REG-1"],
            ["KEY-1"],
            ["KEY-1"],
            ["FOOD-1", "FOOD-2", "EXP-1", "COR-A", "COR-B"],
            ["SES-1", "SES-2", "SES-3", "SES-4"],
            ["FOOD-1", "FOOD-2"],
            ["SES-1", "SES-2", "SES-3", "SES-4"],
            ["FOOD-1", "FOOD-2", "EXP-1", "COR-A", "COR-B"],
        ];
        for (var w = 0; w < expected.Length; w++)
        {
            var densest = plan.Crowds[w].Zones[0];
            Assert.True(expected[w].Contains(densest.ZoneId), $"window {w} ({plan.Crowds[w].Activity}): densest was {densest.ZoneId}");
        }
    }

    [Fact]
    public void Plan_RepositoryCampus_DensestZoneOfEveryWindowIsOfTheKindTheAgendaFills()
    {
        var registry = CampusRegistry.Load(File.ReadAllBytes(RepositoryPaths.Repo("functions", "campus.json")));
        var campus = SimulatedCampus.From(registry);
        var plan = ConferenceSimulator.Plan(campus, new ConferenceOptions { Attendees = 5_000, Seed = 2026 });

        foreach (var window in plan.Crowds)
        {
            var densest = campus.Zones[campus.ZoneIndex[window.Zones[0].ZoneId]];
            Assert.True(
                ConferenceAgenda.CrowdedKinds(window.Activity).Contains(densest.Kind),
                $"window {window.Index} ({window.Activity}): densest was {densest.Id}, a {densest.Kind}");
        }
    }

    [Fact]
    public void Crowds_AfterEveryoneArrived_EachAttendeeInExactlyOneZoneAtWindowEnd()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), Small);

        // Arrivals end 24 minutes in (1.6 windows) and nobody leaves before the end: from the third window on, the truth
        // at each window's last instant places all 2,000 attendees, whatever the sensors read.
        foreach (var window in plan.Crowds.Skip(2))
        {
            Assert.Equal(2_000, window.Zones.Sum(z => z.Occupancy));
        }
    }

    [Fact]
    public void Stays_PerAttendee_ContiguousAndNeverOverlapping()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), Small);

        foreach (var day in plan.Stays.GroupBy(s => s.Attendee))
        {
            var stays = day.ToArray();
            for (var i = 1; i < stays.Length; i++)
            {
                Assert.Equal(stays[i - 1].UntilMilliseconds, stays[i].FromMilliseconds);
            }

            Assert.Equal((long)plan.Agenda.Duration.TotalMilliseconds, stays[^1].UntilMilliseconds);
        }
    }

    [Fact]
    public void Crowds_MeanAndPeak_BracketTheOccupancyAtWindowEnd()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), Small);

        foreach (var zone in plan.Crowds.SelectMany(w => w.Zones))
        {
            Assert.InRange(zone.MeanOccupancy, 0, zone.PeakOccupancy);
            Assert.InRange(zone.Occupancy, 0, zone.PeakOccupancy);
            Assert.InRange(zone.Occupancy, 0, zone.Footfall);
        }
    }

    [Fact]
    public void Crowds_RepositoryCampus_RoomsWithDoorsNeverOverCapacityAtWindowEnd()
    {
        var registry = CampusRegistry.Load(File.ReadAllBytes(RepositoryPaths.Repo("functions", "campus.json")));
        var campus = SimulatedCampus.From(registry);
        var plan = ConferenceSimulator.Plan(campus, new ConferenceOptions { Seed = 2026 });

        // Doors close at 95 % of capacity: the truth never has a session room, keynote hall or dining hall over it.
        foreach (var zone in plan.Crowds.SelectMany(w => w.Zones))
        {
            var profile = campus.Zones[campus.ZoneIndex[zone.ZoneId]];
            if (profile.Kind is ZoneKind.Session or ZoneKind.Keynote or ZoneKind.Food)
            {
                Assert.True(zone.Occupancy <= profile.Capacity, $"{zone.ZoneId}: {zone.Occupancy} of {profile.Capacity}");
            }
        }
    }

    [Fact]
    public void Plan_DeadSensor_ReadsNothingButThePeopleAreStillThere()
    {
        var campus = TestCampus.Create();
        var healthy = ConferenceSimulator.Plan(campus, Small);
        var dead = ConferenceSimulator.Plan(campus, Small with { DeadSensorIds = ["KEY-1-S1"] });

        Assert.DoesNotContain(dead.Reads, r => dead.SensorId(r.Sensor) == "KEY-1-S1");
        Assert.Equal(healthy.Crowds[2].Zones.Single(z => z.ZoneId == "KEY-1").Occupancy, dead.Crowds[2].Zones.Single(z => z.ZoneId == "KEY-1").Occupancy);
    }

    [Fact]
    public void Plan_BlockedCorridor_JammedAtFruinFWhenTheFirstReportAfterTheKeynoteCloses()
    {
        var campus = TestCampus.Create();
        var plan = ConferenceSimulator.Plan(campus, Small with { Attendees = 4_000, BlockedCorridorId = "COR-A" });

        // The keynote (slots 1–2, KEY-1 in Hall A, doors closing at 3,800) lets out at 45 min into COR-A (Hall A, 300 m²,
        // capacity 300), whose exit stays blocked for 17–24 min. It jams at 6 people/m² = 1,800 people: at the end of
        // the break window [45, 60) it holds exactly that (nobody else chooses or crosses a blocked corridor), Fruin F
        // (above 5.38 /m²), six times its capacity; the keynote-goers who did not fit wait in KEY-1.
        var atBreakEnd = plan.Crowds[3].Zones.Single(z => z.ZoneId == "COR-A");
        Assert.Equal(1_800, atBreakEnd.Occupancy);
        Assert.Equal(LevelOfService.F, FruinLevels.FromDensity(atBreakEnd.Density));
        Assert.True(plan.Crowds[3].Zones.Single(z => z.ZoneId == "KEY-1").Occupancy > 0);

        // Cleared by 69 min and drained within 6 more: at 75 min only ordinary traffic is left, under capacity.
        Assert.InRange(plan.Crowds[4].Zones.Single(z => z.ZoneId == "COR-A").Occupancy, 0, 299);
        // Before the keynote ends nothing is blocked.
        Assert.InRange(plan.Crowds[2].Zones.Single(z => z.ZoneId == "COR-A").Occupancy, 0, 299);
    }

    [Fact]
    public void Crowds_Density_IsOccupancyOverArea()
    {
        var campus = TestCampus.Create();
        var plan = ConferenceSimulator.Plan(campus, Small);
        var keynote = plan.Crowds[2].Zones.Single(z => z.ZoneId == "KEY-1");

        Assert.Equal(keynote.Occupancy / 2500.0, keynote.Density, 12);
    }

    [Fact]
    public void Plan_Reads_PassTheApisValidation()
    {
        var campus = TestCampus.Create();
        var plan = ConferenceSimulator.Plan(campus, Small with { InvalidReadRate = 0.001 });
        var now = new DateTimeOffset(2026, 11, 25, 12, 3, 0, TimeSpan.Zero);
        var start = EventPlacement.StartBehind(now, plan.Agenda.Duration, TimeSpan.FromMinutes(15));
        var sensorId = new Regex("^[A-Za-z0-9._:-]{1,64}$");
        var known = campus.Zones.SelectMany(z => z.SensorIds).Concat(ConferenceSimulator.UnmappedSensorIds).ToHashSet();

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 45, 0, TimeSpan.Zero), start);
        foreach (var read in plan.Reads)
        {
            var wire = plan.ToWire(read, start);
            var at = DateTimeOffset.ParseExact(wire.ReadAt, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.Matches(sensorId, wire.SensorId);
            Assert.Contains(wire.SensorId, known);
            Assert.InRange(wire.BadgeId.Length, 1, 128);
            Assert.DoesNotContain(wire.BadgeId, c => c < 0x21 || c > 0x7e);
            Assert.InRange(at, now - TimeSpan.FromHours(24), now);
            if (read.Has(SimulatedReadKind.Invalid))
            {
                Assert.True(wire.Rssi > 0, "an invalid read carries an impossible positive rssi");
            }
            else if (wire.Rssi is { } rssi)
            {
                Assert.InRange(rssi, (short)-127, (short)0);
            }
        }
    }

    [Fact]
    public void Plan_Reads_AreInTimeOrderWithDistinctIdsPerBadge()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), Small);

        for (var i = 1; i < plan.Reads.Count; i++)
        {
            Assert.True(plan.Reads[i - 1].OffsetMilliseconds <= plan.Reads[i].OffsetMilliseconds);
        }

        // The API derives a read id from sensor, badge and time: two reads of a badge never share a millisecond.
        var keys = plan.Reads.Where(r => !r.Has(SimulatedReadKind.Invalid) && !r.Has(SimulatedReadKind.Unmapped))
            .Select(r => (r.Badge, r.OffsetMilliseconds));
        Assert.Equal(plan.Reads.Count(r => !r.Has(SimulatedReadKind.Invalid) && !r.Has(SimulatedReadKind.Unmapped)), keys.Distinct().Count());
    }

    [Fact]
    public void Plan_ReadMix_MatchesTheConfiguredRates()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), Small with { InvalidReadRate = 0.002 });
        var total = (double)plan.Reads.Count;

        Assert.InRange(plan.Reads.Count(r => r.Has(SimulatedReadKind.Duplicate)) / total, 0.03, 0.05);
        Assert.InRange(plan.Reads.Count(r => r.Has(SimulatedReadKind.NoRssi)) / total, 0.02, 0.04);
        Assert.InRange(plan.Reads.Count(r => r.Has(SimulatedReadKind.Unmapped)) / total, 0.0005, 0.0015);
        Assert.InRange(plan.Reads.Count(r => r.Has(SimulatedReadKind.Invalid)) / total, 0.0015, 0.0025);
        Assert.Equal(plan.Reads.Count - plan.Reads.Count(r => r.Has(SimulatedReadKind.Invalid)), plan.ValidReads);
    }

    [Fact]
    public void IndexAt_WindowBoundary_FirstReadOfTheWindow()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), Small);
        var boundary = TimeSpan.FromMinutes(45);

        var index = plan.IndexAt(boundary);

        Assert.True(plan.Reads[index].OffsetMilliseconds >= 45 * 60_000);
        Assert.True(plan.Reads[index - 1].OffsetMilliseconds < 45 * 60_000);
    }
}
