using System.Text;
using BadgeFlow.Testing;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>The Aggregator's retention statement (functions/BadgeFlow.Aggregator/Retention/ExpiredReads.sql) on the local
/// warehouse, over the Schema function's DDL: only reads seen before the cutoff go, and a rerun deletes nothing.</summary>
public sealed class RetentionOnWarehouseTests : IDisposable
{
    private readonly Local.Warehouse.Warehouse _warehouse = Local.Warehouse.Warehouse.Open(":memory:");

    public RetentionOnWarehouseTests()
    {
        _warehouse.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        string[] reads =
        [
            Read("old-1", "2026-09-01 08:00:00.000000"),
            Read("old-2", "2026-10-26 10:21:59.999999"), // a microsecond before the cutoff
            Read("edge", "2026-10-26 10:22:00.000000"),  // exactly the cutoff: kept (older than, not as old as)
            Read("new-1", "2026-11-25 10:14:50.000000"),
        ];
        using var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', reads) + "\n"));
        _warehouse.LoadJsonLines("badge_reads", lines);
    }

    public void Dispose() => _warehouse.Dispose();

    [Fact]
    public void ExpiredReads_CutoffThirtyDaysBeforeARun_DeletesOnlyTheOlderReadsAndCountsThem()
    {
        // A run scheduled 2026-11-25 10:22:00 with READ_RETENTION_DAYS 30: cutoff 2026-10-26 10:22:00.
        var result = Run("2026-10-26 10:22:00");

        Assert.False(result.HasResultSet);
        Assert.Equal(2, result.ResultRows);
        Assert.Equal(["edge", "new-1"], Remaining());
    }

    [Fact]
    public void ExpiredReads_SameCutoffTwice_SecondRunDeletesNothing()
    {
        Run("2026-10-26 10:22:00");

        var again = Run("2026-10-26 10:22:00");

        Assert.Equal(0, again.ResultRows);
        Assert.Equal(["edge", "new-1"], Remaining());
    }

    [Fact]
    public void ExpiredReads_CutoffBeforeEveryRead_DeletesNothing()
    {
        Assert.Equal(0, Run("2026-01-01 00:00:00").ResultRows);
        Assert.Equal(4, Remaining().Count);
    }

    private Local.Warehouse.WarehouseResult Run(string cutoff) =>
        _warehouse.Execute(
            File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Aggregator", "Retention", "ExpiredReads.sql")),
            [new Local.Warehouse.WarehouseParameter("cutoff", cutoff)]);

    private List<string> Remaining() =>
        [.. _warehouse.Execute("SELECT read_id FROM badge_reads ORDER BY read_at", []).Records.Select(r => r[0].StringValue!)];

    private static string Read(string readId, string readAt) =>
        $$"""{"read_id":"{{readId}}","read_at":"{{readAt}}","badge_hash":"b-{{readId}}","sensor_id":"s-hall-1","zone_id":"hall","venue":"expo","rssi":-60,"received_at":"{{readAt}}","source":"api"}""";
}
