using System.Text;
using BadgeFlow.Local.Warehouse;
using BadgeFlow.Testing.Postgres;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>
/// The density SQL on a third engine: PostgreSQL 15 (the closest relative of Redshift's SQL available here) runs the
/// unchanged DensityQuery.sql over the same crafted reads as <see cref="DensityQueryOnWarehouseTests"/>, and must return
/// exactly the rows DuckDB returns (whose every figure that test works out by hand). The Schema DDL reaches PostgreSQL
/// as it reaches DuckDB, with Redshift's storage attributes dropped by the local warehouse's dialect; the reads are
/// loaded with <c>json_populate_record</c>, which matches JSON keys to column names as COPY … JSON 'auto' does; the
/// <c>:name</c> parameters are Npgsql's own, each value sent as text like the Data API's strings.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DensityQueryOnPostgresTests : IClassFixture<PostgresServerFixture>, IAsyncLifetime, IDisposable
{
    private readonly PostgresServer _postgres;
    private readonly Local.Warehouse.Warehouse _duckDb = Local.Warehouse.Warehouse.Open(":memory:");

    public DensityQueryOnPostgresTests(PostgresServerFixture fixture)
    {
        _postgres = fixture.Server;
    }

    public async Task InitializeAsync()
    {
        _duckDb.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        using var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', CraftedReads.Reads) + "\n"));
        _duckDb.LoadJsonLines("badge_reads", lines);

        // Each test class instance gets a fresh table (the server is shared by the class's tests).
        await _postgres.ExecuteScriptAsync("DROP TABLE IF EXISTS badge_reads; DROP TABLE IF EXISTS report_revisions");
        foreach (var statement in CraftedReads.SchemaStatements())
        {
            await _postgres.ExecuteScriptAsync(RedshiftDialect.Translate(statement).Sql);
        }

        foreach (var line in CraftedReads.Reads)
        {
            await _postgres.ExecuteAsync(
                "INSERT INTO badge_reads SELECT * FROM json_populate_record(CAST(NULL AS badge_reads), CAST(:line AS json))",
                new Dictionary<string, string?> { ["line"] = line });
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _duckDb.Dispose();

    [Fact]
    public async Task Server_Started_IsPostgreSql15()
    {
        var rows = await _postgres.QueryAsync("SELECT CAST(current_setting('server_version_num') AS INTEGER) / 10000 AS major, COUNT(*) AS reads FROM badge_reads");

        Assert.Equal(15, Convert.ToInt32(rows.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((long)CraftedReads.Reads.Length, rows.Rows[0][1]); // c13 loaded twice, as on DuckDB
    }

    [Theory]
    [InlineData("2026-11-25 09:45:00", "2026-11-25 10:00:00", "2026-11-25 10:15:00", 24)] // the hand-worked window
    [InlineData("2026-11-25 09:45:00", "2026-11-25 10:00:00", "2026-11-25 10:15:00", 15)] // one-window timeout: former definition
    [InlineData("2026-11-25 09:30:00", "2026-11-25 09:45:00", "2026-11-25 10:00:00", 24)] // the previous window as the report
    [InlineData("2026-11-25 11:45:00", "2026-11-25 12:00:00", "2026-11-25 12:15:00", 24)] // empty window, freshness from before
    [InlineData("2026-11-24 09:45:00", "2026-11-24 10:00:00", "2026-11-24 10:15:00", 24)] // before any data
    public async Task DensityQuery_CraftedReads_SameRowsOnPostgresAsOnDuckDb(string previousStart, string windowStart, string windowEnd, int timeoutMinutes)
    {
        var parameters = CraftedReads.Parameters(previousStart, windowStart, windowEnd, timeoutMinutes);
        var sql = CraftedReads.DensityQuerySql();

        var duckDb = _duckDb.Execute(sql, parameters.Select(p => new WarehouseParameter(p.Key, p.Value!)).ToArray());
        var postgres = await _postgres.QueryAsync(sql, parameters);

        Assert.Equal(duckDb.Columns.Select(c => c.Name), postgres.ColumnNames);
        // Every count is a BIGINT on both (the Data API's longValue), the freshness a TIMESTAMP without zone.
        Assert.Equal(["bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "timestamp without time zone"], postgres.ColumnTypes.Skip(2));
        // Rendered as the Data API would present PostgreSQL's values (longValue, TIMESTAMP text), then compared with DuckDB's.
        var postgresRows = postgres.Rows
            .Select(row => CraftedReads.Render(row.Select((v, i) => v is null ? WarehouseField.Null : DataApiTypes.Field(v, postgres.ColumnTypes[i])).ToArray()))
            .ToArray();
        Assert.NotEmpty(postgresRows);
        Assert.Equal(duckDb.Records.Select(CraftedReads.Render), postgresRows);
    }
}
