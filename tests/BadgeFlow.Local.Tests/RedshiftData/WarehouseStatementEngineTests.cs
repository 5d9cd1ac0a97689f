using System.Text;
using BadgeFlow.Local.RedshiftData;

namespace BadgeFlow.Local.Tests.RedshiftData;

public sealed class WarehouseStatementEngineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("badgeflow-engine-").FullName;
    private readonly BadgeFlow.Local.Warehouse.Warehouse _warehouse;
    private readonly WarehouseStatementEngine _engine;

    public WarehouseStatementEngineTests()
    {
        _warehouse = BadgeFlow.Local.Warehouse.Warehouse.Open(Path.Combine(_directory, "w.duckdb"));
        _warehouse.Execute(
            "CREATE TABLE reads (read_id VARCHAR(64) NOT NULL, read_at TIMESTAMP NOT NULL, zone_id VARCHAR(64), rssi SMALLINT)", []);
        _engine = new WarehouseStatementEngine(_warehouse);
    }

    public void Dispose()
    {
        _warehouse.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task LoadJsonLinesAsync_KeysInAnyOrderExtraAndMissing_LoadedAsCopyJsonAuto()
    {
        const string lines = """
            {"rssi":-61,"read_at":"2026-11-25 10:00:00.250000","read_id":"r1","zone_id":"hall-a","extra":"ignored"}
            {"read_id":"r2","read_at":"2026-11-25 10:00:01"}
            """;

        var loaded = await _engine.LoadJsonLinesAsync("reads", Encoding.UTF8.GetBytes(lines + "\n"), CancellationToken.None);

        Assert.Equal(2, loaded);
        var rows = _warehouse.Execute("SELECT read_id, read_at, zone_id, rssi FROM reads ORDER BY read_id", []).Records;
        Assert.Equal("r1", rows[0][0].StringValue);
        Assert.Equal("2026-11-25 10:00:00.25", rows[0][1].StringValue);
        Assert.Equal("hall-a", rows[0][2].StringValue);
        Assert.Equal(-61, rows[0][3].LongValue);
        Assert.Equal("2026-11-25 10:00:01", rows[1][1].StringValue);
        Assert.True(rows[1][2].IsNull);
        Assert.True(rows[1][3].IsNull);
    }

    [Fact]
    public async Task LoadJsonLinesAsync_ManyLongStrings_AllRowsIntact()
    {
        var lines = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            lines.Append($$"""{"read_id":"read-0123456789abcdef0123456789abcdef-{{i:D5}}","read_at":"2026-11-25 10:00:00","zone_id":"venetian-l2-keynote-hall-d","rssi":-{{i % 100}}}""").Append('\n');
        }

        var loaded = await _engine.LoadJsonLinesAsync("reads", Encoding.UTF8.GetBytes(lines.ToString()), CancellationToken.None);

        Assert.Equal(5000, loaded);
        // 5,000 rows of long strings and SMALLINTs span several DuckDB vectors: every value must come back intact.
        var check = _warehouse.Execute("SELECT count(DISTINCT read_id), min(rssi), max(rssi), sum(rssi) FROM reads", []).Records[0];
        Assert.Equal(5000, check[0].LongValue);
        Assert.Equal(-99, check[1].LongValue);
        Assert.Equal(0, check[2].LongValue);
        Assert.Equal(-(50 * 4950), check[3].LongValue);
    }

    [Fact]
    public async Task LoadJsonLinesAsync_OneBadLine_NothingLoaded()
    {
        const string lines = """
            {"read_id":"r1","read_at":"2026-11-25 10:00:00"}
            {"read_id":"r2","read_at":"not a time"}
            """;

        await Assert.ThrowsAnyAsync<Exception>(() => _engine.LoadJsonLinesAsync("reads", Encoding.UTF8.GetBytes(lines), CancellationToken.None));

        Assert.Equal(0, _warehouse.Execute("SELECT count(*) FROM reads", []).Records[0][0].LongValue);
    }
}
