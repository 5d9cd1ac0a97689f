using BadgeFlow.Local.Warehouse;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Postgres;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>
/// The Aggregator's retention statement (functions/BadgeFlow.Aggregator/Retention/ExpiredReads.sql) on PostgreSQL 15,
/// over the Schema function's DDL as the local warehouse's dialect gives it: the same cases as the DuckDB test
/// (RetentionOnWarehouseTests), with the deleted count PostgreSQL itself reports for the DELETE.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RetentionOnPostgresTests : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private readonly PostgresServer _postgres;

    public RetentionOnPostgresTests(PostgresServerFixture fixture)
    {
        _postgres = fixture.Server;
    }

    public async Task InitializeAsync()
    {
        await _postgres.ExecuteScriptAsync("DROP TABLE IF EXISTS badge_reads; DROP TABLE IF EXISTS report_revisions");
        foreach (var statement in CraftedReads.SchemaStatements())
        {
            await _postgres.ExecuteScriptAsync(RedshiftDialect.Translate(statement).Sql);
        }

        // 30 days before a run scheduled 2026-11-25 10:22:00 is 2026-10-26 10:22:00.
        (string ReadId, string ReadAt)[] reads =
        [
            ("old-1", "2026-09-01 08:00:00.000000"),
            ("old-2", "2026-10-26 10:21:59.999999"), // a microsecond before the cutoff
            ("edge", "2026-10-26 10:22:00.000000"), // exactly the cutoff: kept (older than, not as old as)
            ("new-1", "2026-11-25 10:14:50.000000"),
        ];
        foreach (var (readId, readAt) in reads)
        {
            await _postgres.ExecuteAsync(
                "INSERT INTO badge_reads SELECT * FROM json_populate_record(CAST(NULL AS badge_reads), CAST(:line AS json))",
                new Dictionary<string, string?> { ["line"] = CraftedReads.Read(readId, readAt, $"b-{readId}", "s-hall-1", "hall") });
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ExpiredReads_CutoffThirtyDaysBeforeARun_DeletesOnlyTheOlderReads()
    {
        var deleted = await RunAsync("2026-10-26 10:22:00");

        Assert.Equal(2, deleted);
        Assert.Equal(["edge", "new-1"], await RemainingAsync());
    }

    [Fact]
    public async Task ExpiredReads_SameCutoffTwice_SecondRunDeletesNothing()
    {
        await RunAsync("2026-10-26 10:22:00");

        var again = await RunAsync("2026-10-26 10:22:00");

        Assert.Equal(0, again);
        Assert.Equal(["edge", "new-1"], await RemainingAsync());
    }

    [Fact]
    public async Task ExpiredReads_CutoffBeforeEveryRead_DeletesNothing()
    {
        Assert.Equal(0, await RunAsync("2026-01-01 00:00:00"));
        Assert.Equal(4, (await RemainingAsync()).Count);
    }

    private Task<int> RunAsync(string cutoff) =>
        _postgres.ExecuteAsync(
            File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Aggregator", "Retention", "ExpiredReads.sql")),
            new Dictionary<string, string?> { ["cutoff"] = cutoff });

    private async Task<List<string>> RemainingAsync() =>
        [.. (await _postgres.QueryAsync("SELECT read_id FROM badge_reads ORDER BY read_at")).Rows.Select(r => (string)r[0]!)];
}
