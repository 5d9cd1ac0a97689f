using System.Text;
using BadgeFlow.Testing;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>The Aggregator's watermark query (functions/BadgeFlow.Aggregator/Completeness/Watermark.sql) on the local
/// warehouse, over the Schema function's DDL: the latest received_at loaded since the window start.</summary>
public sealed class WatermarkOnWarehouseTests : IDisposable
{
    private readonly Local.Warehouse.Warehouse _warehouse = Local.Warehouse.Warehouse.Open(":memory:");

    public WatermarkOnWarehouseTests()
    {
        _warehouse.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        string[] reads =
        [
            Read("r1", "2026-11-25 10:14:50.000000", "2026-11-25 10:14:51.000000"),
            Read("r2", "2026-11-25 10:14:59.000000", "2026-11-25 10:15:02.250000"), // received after the window end
            Read("r3", "2026-11-25 09:58:00.000000", "2026-11-25 09:58:01.000000"),
        ];
        using var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', reads) + "\n"));
        _warehouse.LoadJsonLines("badge_reads", lines);
    }

    public void Dispose() => _warehouse.Dispose();

    [Fact]
    public void Watermark_ReadsLoadedPastWindowEnd_LatestReceivedAt()
    {
        var result = Run("2026-11-25 10:00:00");

        Assert.Equal("watermark", Assert.Single(result.Columns).Name);
        Assert.Equal("2026-11-25 10:15:02.25", Assert.Single(result.Records)[0].StringValue);
    }

    [Fact]
    public void Watermark_NothingReceivedSinceWindowStart_Null()
    {
        var result = Run("2026-11-25 10:30:00");

        Assert.True(Assert.Single(result.Records)[0].IsNull);
    }

    private Local.Warehouse.WarehouseResult Run(string windowStart) =>
        _warehouse.Execute(
            File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Aggregator", "Completeness", "Watermark.sql")),
            [new Local.Warehouse.WarehouseParameter("window_start", windowStart)]);

    private static string Read(string readId, string readAt, string receivedAt) =>
        $$"""{"read_id":"{{readId}}","read_at":"{{readAt}}","badge_hash":"b1","sensor_id":"s-hall-1","zone_id":"hall","venue":"expo","rssi":-60,"received_at":"{{receivedAt}}","source":"api"}""";
}
