using BadgeFlow.Aggregator;
using BadgeFlow.Domain.Campus;
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
}
