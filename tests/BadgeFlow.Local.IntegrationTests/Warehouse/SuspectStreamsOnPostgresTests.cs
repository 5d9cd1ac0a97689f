using System.Globalization;
using System.Text;
using BadgeFlow.Local.Warehouse;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Postgres;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>
/// The implausible-stream SQL (functions/BadgeFlow.Aggregator/Suspects/SuspectStreams.sql) on PostgreSQL 15 and on the
/// local DuckDB warehouse over the same reads: both engines must return the same rows, and the rows the reads were
/// crafted to give (worked out below by hand), so the neighbouring-minute join means the same on both.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SuspectStreamsOnPostgresTests : IClassFixture<PostgresServerFixture>, IAsyncLifetime, IDisposable
{
    // Scan [09:51, 10:15) (window [10:00, 10:15), presence timeout 24 min). Venues: s-hall-* expo, s-arena-* dome.
    private static readonly string[] Reads =
    [
        // b1: hall 10:10:59.950, arena 10:11:59.849: 59.899 s apart across a minute boundary: both sensors conflict.
        Read("r1", "2026-11-25 10:10:59.950", "b1", "s-hall-1", "hall", "expo"),
        Read("r2", "2026-11-25 10:11:59.849", "b1", "s-arena-7", "arena", "dome"),
        // b2: hall 10:12:30, arena 10:13:30: exactly 60 s: possible, no conflict.
        Read("r3", "2026-11-25 10:12:30.000", "b2", "s-hall-1", "hall", "expo"),
        Read("r4", "2026-11-25 10:13:30.000", "b2", "s-arena-8", "arena", "dome"),
        // b3: hall and arena 20 s apart in one minute: both conflict; read twice more in hall, once delivered twice.
        Read("r5", "2026-11-25 10:05:00.000", "b3", "s-hall-2", "hall", "expo"),
        Read("r6", "2026-11-25 10:05:20.000", "b3", "s-arena-7", "arena", "dome"),
        Read("r7", "2026-11-25 10:05:40.000", "b3", "s-hall-2", "hall", "expo"),
        Read("r7", "2026-11-25 10:05:40.000", "b3", "s-hall-2", "hall", "expo"),
        // b4: two hall sensors 5 s apart: one venue, no conflict.
        Read("r8", "2026-11-25 10:08:00.000", "b4", "s-hall-1", "hall", "expo"),
        Read("r9", "2026-11-25 10:08:05.000", "b4", "s-hall-2", "hall", "expo"),
        // b5: outside the scan (before 09:51 and at the window end): never counted.
        Read("r10", "2026-11-25 09:50:59.999", "b5", "s-hall-1", "hall", "expo"),
        Read("r11", "2026-11-25 10:15:00.000", "b5", "s-arena-7", "arena", "dome"),
    ];

    private static readonly Dictionary<string, string?> Parameters = new(StringComparer.Ordinal)
    {
        ["scan_start"] = "2026-11-25 09:51:00",
        ["window_end"] = "2026-11-25 10:15:00",
        ["min_bound"] = "0", // every sensor-minute with a badge comes back, to compare the minute rows too
    };

    private readonly PostgresServer _postgres;
    private readonly Local.Warehouse.Warehouse _duckDb = Local.Warehouse.Warehouse.Open(":memory:");

    public SuspectStreamsOnPostgresTests(PostgresServerFixture fixture)
    {
        _postgres = fixture.Server;
    }

    public async Task InitializeAsync()
    {
        _duckDb.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        using var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Reads) + "\n"));
        _duckDb.LoadJsonLines("badge_reads", lines);

        await _postgres.ExecuteScriptAsync("DROP TABLE IF EXISTS badge_reads; DROP TABLE IF EXISTS report_revisions");
        foreach (var statement in CraftedReads.SchemaStatements())
        {
            await _postgres.ExecuteScriptAsync(RedshiftDialect.Translate(statement).Sql);
        }

        foreach (var line in Reads)
        {
            await _postgres.ExecuteAsync(
                "INSERT INTO badge_reads SELECT * FROM json_populate_record(CAST(NULL AS badge_reads), CAST(:line AS json))",
                new Dictionary<string, string?> { ["line"] = line });
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _duckDb.Dispose();

    [Fact]
    public async Task SuspectStreams_CraftedReads_HandWorkedRowsOnPostgresAndDuckDb()
    {
        var sql = File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Aggregator", "Suspects", "SuspectStreams.sql"));

        var duckDb = _duckDb.Execute(sql, Parameters.Select(p => new WarehouseParameter(p.Key, p.Value!)).ToArray());
        var postgres = await _postgres.QueryAsync(sql, Parameters);

        // row_kind|sensor_id|zone_id|minute|badges|reads|impossible_badges; minute = FLOOR(epoch / 60), so 10:05 on
        // 2026-11-25 is 1795601100 / 60 = 29926685. Sensor-minutes: one row each, r7 counted once.
        // Venues: s-hall-1 read b1 (conflict), b2, b4 over 4 reads; s-hall-2 b3 (conflict), b4; s-arena-7 b1, b3 (both).
        string[] expected =
        [
            "minute|s-arena-7|arena|29926685|1|1|null",
            "minute|s-arena-7|arena|29926691|1|1|null",
            "minute|s-arena-8|arena|29926693|1|1|null",
            "minute|s-hall-1|hall|29926688|1|1|null",
            "minute|s-hall-1|hall|29926690|1|1|null",
            "minute|s-hall-1|hall|29926692|1|1|null",
            "minute|s-hall-2|hall|29926685|1|2|null",
            "minute|s-hall-2|hall|29926688|1|1|null",
            "venues|s-arena-7|arena|null|2|2|2",
            "venues|s-hall-1|hall|null|3|3|1",
            "venues|s-hall-2|hall|null|2|3|1",
        ];
        Assert.Equal(expected, duckDb.Records.Select(CraftedReads.Render));
        var postgresRows = postgres.Rows
            .Select(row => CraftedReads.Render(row.Select((v, i) => v is null ? WarehouseField.Null : DataApiTypes.Field(v, postgres.ColumnTypes[i])).ToArray()))
            .ToArray();
        Assert.Equal(expected, postgresRows);
    }

    private static string Read(string readId, string readAt, string badge, string sensor, string zone, string venue) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"read_id":"{{readId}}","read_at":"{{readAt}}","badge_hash":"{{badge}}","sensor_id":"{{sensor}}","zone_id":"{{zone}}","venue":"{{venue}}","rssi":-60,"received_at":"{{readAt}}","source":"api"}""");
}
