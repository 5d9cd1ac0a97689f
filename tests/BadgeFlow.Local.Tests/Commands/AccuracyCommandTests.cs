using BadgeFlow.Aggregator;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Density;
using BadgeFlow.Local.Commands;
using BadgeFlow.Local.Simulator;
using BadgeFlow.Testing;

namespace BadgeFlow.Local.Tests.Commands;

/// <summary>
/// The accuracy pipeline (Producer parsing and pseudonymization, Transform's rows, DuckDB, the density SQL, the report
/// builder) on fixed seeds, against the simulator's ground truth. Loose bounds: the measured figures are in
/// docs/density-report.md.
/// </summary>
public sealed class AccuracyCommandTests
{
    private static readonly CampusRegistry Registry = CampusRegistry.Load(File.ReadAllBytes(RepositoryPaths.Repo("functions", "campus.json")));
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(AggregatorSettings.DefaultPresenceTimeoutMinutes);

    [Fact]
    public void Judge_NominalConference_OccupancyWithinTenPercent()
    {
        var campus = SimulatedCampus.From(Registry);
        var plan = ConferenceSimulator.Plan(campus, new ConferenceOptions { Attendees = 8_000, Seed = 2026 });
        using var warehouse = AccuracyCommand.Load(plan, Registry);

        var accuracy = AccuracyCommand.Judge(plan, warehouse, AggregatorStartup.ToProfiles(Registry), Timeout);

        Assert.Equal(8, accuracy.Windows.Count);
        Assert.InRange(accuracy.WeightedMape, 0, 0.10);
        Assert.All(accuracy.Windows, w => Assert.True(w.DensestInTopThree, $"window {w.Index}"));
    }

    [Fact]
    public void Reports_Crush_BlockedCorridorCriticalInTheFirstReportAfterItForms()
    {
        var campus = SimulatedCampus.From(Registry);
        var plan = ConferenceSimulator.Plan(campus, new ConferenceOptions { Attendees = 8_000, Seed = 2026, BlockedCorridorId = AccuracyScenario.CrushCorridor });
        using var warehouse = AccuracyCommand.Load(plan, Registry);

        var reports = AccuracyCommand.Reports(plan, warehouse, AggregatorStartup.ToProfiles(Registry), Timeout);

        // The crush forms when the last keynote lets out; the first report after it is the window ending next.
        var forms = plan.Agenda.Slots.Last(s => s.Activity is AgendaActivity.Keynote).End;
        var (truth, report) = reports.First(r => r.Truth.End > forms);
        var corridor = campus.Zones[campus.ZoneIndex[AccuracyScenario.CrushCorridor]];
        var trulyThere = truth.Zones.Single(z => z.ZoneId == corridor.Id).Occupancy;
        Assert.True(trulyThere > corridor.Capacity, $"the corridor truly holds {trulyThere} of {corridor.Capacity}");
        var reported = report.Zones.Single(z => z.ZoneId == corridor.Id);
        Assert.Equal(Severity.Critical, reported.Severity);
        Assert.Equal(corridor.Id, report.WorstZone?.ZoneId);
    }
}
