using System.Text;
using BadgeFlow.Local.Warehouse;

namespace BadgeFlow.Local.Tests.Warehouse;

public sealed class WarehouseTests : IDisposable
{
    private readonly Local.Warehouse.Warehouse _warehouse = Local.Warehouse.Warehouse.Open(":memory:");

    public void Dispose() => _warehouse.Dispose();

    [Fact]
    public void Execute_NamedParameters_BoundAsStrings()
    {
        var result = _warehouse.Execute(
            "SELECT CAST(:n AS BIGINT) + 1 AS next, :label AS label, CAST(:at AS TIMESTAMP) AS at",
            [new("n", "41"), new("label", "zone"), new("at", "2026-11-25 10:00:00")]);

        var row = Assert.Single(result.Records);
        Assert.Equal(42, row[0].LongValue);
        Assert.Equal("zone", row[1].StringValue);
        Assert.Equal("2026-11-25 10:00:00", row[2].StringValue);
        Assert.True(result.HasResultSet);
        Assert.Equal(1, result.ResultRows);
    }

    [Fact]
    public void Execute_ColonInsideLiteralCommentOrCast_NotAParameter()
    {
        var result = _warehouse.Execute(
            "SELECT 'at 10:15 :not_a_parameter' AS text, -- :nor_this\n '7'::INTEGER AS cast_value, \":odd\" FROM (SELECT 1 AS \":odd\") t WHERE :real = 'x'",
            [new("real", "x")]);

        var row = Assert.Single(result.Records);
        Assert.Equal("at 10:15 :not_a_parameter", row[0].StringValue);
        Assert.Equal(7, row[1].LongValue);
        Assert.Equal(1, row[2].LongValue);
    }

    [Fact]
    public void Execute_ParameterNotPassed_FailsNamingIt()
    {
        var error = Assert.Throws<WarehouseException>(() => _warehouse.Execute("SELECT :window_start", []));

        Assert.Contains(":window_start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_ParameterNotUsed_FailsNamingIt()
    {
        var error = Assert.Throws<WarehouseException>(() => _warehouse.Execute("SELECT 1", [new("stray", "1")]));

        Assert.Contains(":stray", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_BadSql_RedshiftStyleError()
    {
        var error = Assert.Throws<WarehouseException>(() => _warehouse.Execute("SELECT * FROM no_such_table", []));

        Assert.StartsWith("ERROR: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_ValuesOfEachType_DataApiFieldsAndTypeNames()
    {
        var result = _warehouse.Execute(
            "SELECT CAST(5 AS BIGINT) AS l, CAST(3 AS INTEGER) AS i, CAST(2 AS SMALLINT) AS s, CAST(0.25 AS DOUBLE) AS d, " +
            "CAST(1.50 AS DECIMAL(10,2)) AS m, TRUE AS b, 'x' AS v, CAST(NULL AS VARCHAR) AS n, " +
            "CAST('2026-11-25 10:14:59.123456' AS TIMESTAMP) AS t1, CAST('2026-11-25 10:14:59.120' AS TIMESTAMP) AS t2, " +
            "CAST('2026-11-25' AS DATE) AS dt, SUM(x) AS total FROM (SELECT 1 AS x UNION ALL SELECT 2)",
            []);

        var row = Assert.Single(result.Records);
        Assert.Equal(
            ["int8", "int4", "int2", "float8", "numeric", "bool", "varchar", "varchar", "timestamp", "timestamp", "date", "int8"],
            result.Columns.Select(c => c.TypeName));
        Assert.Equal(5, row[0].LongValue);
        Assert.Equal(3, row[1].LongValue);
        Assert.Equal(2, row[2].LongValue);
        Assert.Equal(0.25, row[3].DoubleValue);
        Assert.Equal("1.50", row[4].StringValue);
        Assert.True(row[5].BooleanValue);
        Assert.Equal("x", row[6].StringValue);
        Assert.Equal(WarehouseField.Null, row[7]);
        Assert.Equal("2026-11-25 10:14:59.123456", row[8].StringValue);
        Assert.Equal("2026-11-25 10:14:59.12", row[9].StringValue);
        Assert.Equal("2026-11-25", row[10].StringValue);
        Assert.Equal(3, row[11].LongValue); // DuckDB's HUGEINT sum still travels as a longValue
    }

    [Fact]
    public void Execute_Insert_ReportsRowsAffectedWithoutResultSet()
    {
        _warehouse.Execute("CREATE TABLE t (a INTEGER)", []);

        var result = _warehouse.Execute("INSERT INTO t VALUES (1), (2), (3)", []);

        Assert.False(result.HasResultSet);
        Assert.Equal(3, result.ResultRows);
    }

    [Fact]
    public void Execute_RedshiftDdl_TranslatedAndUsable()
    {
        _warehouse.Execute(
            """
            CREATE TABLE IF NOT EXISTS report_history (
                report_id    BIGINT IDENTITY(100, 5) ENCODE az64,
                window_start TIMESTAMP NOT NULL ENCODE raw SORTKEY,
                zone_id      VARCHAR(64) ENCODE zstd DISTKEY,
                note         VARCHAR(MAX),
                created_at   TIMESTAMP DEFAULT GETDATE()
            )
            BACKUP NO
            DISTSTYLE KEY
            COMPOUND SORTKEY (window_start, zone_id)
            """,
            []);
        _warehouse.Execute("INSERT INTO report_history (window_start, zone_id, note) VALUES (CAST(:w AS TIMESTAMP), 'hall', 'ok')", [new("w", "2026-11-25 10:00:00")]);
        _warehouse.Execute("INSERT INTO report_history (window_start, zone_id) VALUES ('2026-11-25 10:15:00', 'cafe')", []);

        var result = _warehouse.Execute("SELECT report_id, zone_id, created_at IS NOT NULL AS stamped FROM report_history ORDER BY report_id", []);

        Assert.Equal([100L, 105L], result.Records.Select(r => r[0].LongValue!.Value));
        Assert.All(result.Records, r => Assert.True(r[2].BooleanValue));
    }

    [Fact]
    public void Execute_SchemaDdlTwice_IdempotentAsCreateThenUpdate()
    {
        var statements = CraftedReads.SchemaStatements();

        _warehouse.ExecuteBatch(statements, []);
        _warehouse.ExecuteBatch(statements, []);

        var columns = _warehouse.Execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'badge_reads' ORDER BY ordinal_position", []);
        Assert.Equal(
            [
                "read_id VARCHAR NO", "read_at TIMESTAMP NO", "badge_hash VARCHAR NO", "sensor_id VARCHAR NO", "zone_id VARCHAR YES",
                "venue VARCHAR YES", "rssi SMALLINT YES", "received_at TIMESTAMP NO", "source VARCHAR NO",
            ],
            columns.Records.Select(r => string.Join(' ', r.Select(f => f.StringValue))));
    }

    [Fact]
    public void ExecuteBatch_SecondStatementFails_FirstRolledBack()
    {
        var error = Assert.Throws<WarehouseException>(() => _warehouse.ExecuteBatch(
            ["CREATE TABLE first_table (a INTEGER)", "INSERT INTO first_table VALUES (1)", "SELECT * FROM missing_table"], []));

        Assert.Contains("statement 3 of 3", error.Message, StringComparison.Ordinal);
        Assert.Throws<WarehouseException>(() => _warehouse.Execute("SELECT * FROM first_table", []));
    }

    [Fact]
    public void ExecuteBatch_SharedParameters_EachStatementBindsWhatItUses()
    {
        var results = _warehouse.ExecuteBatch(
            ["CREATE TABLE t (a INTEGER, b VARCHAR)", "INSERT INTO t VALUES (CAST(:a AS INTEGER), :b)", "SELECT b FROM t WHERE a = CAST(:a AS INTEGER)"],
            [new("a", "5"), new("b", "five")]);

        Assert.Equal("five", results[2].Records[0][0].StringValue);
    }

    [Fact]
    public void ExecuteBatch_AllSucceed_OneResultPerStatement()
    {
        var results = _warehouse.ExecuteBatch(["CREATE TABLE t (a INTEGER)", "INSERT INTO t VALUES (1), (2)", "SELECT COUNT(*) AS n FROM t"], []);

        Assert.Equal([false, false, true], results.Select(r => r.HasResultSet));
        Assert.Equal(2, results[1].ResultRows);
        Assert.Equal(2, results[2].Records[0][0].LongValue);
    }

    [Fact]
    public void LoadJsonLines_CopyAutoSemantics_KeysMatchedExtrasIgnoredMissingNull()
    {
        _warehouse.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        const string lines =
            """
            {"read_id":"r1","read_at":"2026-11-25 10:00:00.250000","badge_hash":"h1","sensor_id":"s1","zone_id":"hall","venue":"expo","rssi":-61,"received_at":"2026-11-25 10:00:01.000000","source":"api","extra":"ignored"}

            {"read_id":"r2","read_at":"2026-11-25T10:00:02Z","badge_hash":"h2","sensor_id":"s9","received_at":"2026-11-25 10:00:03","source":"agent"}
            """;

        var loaded = _warehouse.LoadJsonLines("badge_reads", new MemoryStream(Encoding.UTF8.GetBytes(lines)));

        Assert.Equal(2, loaded);
        var rows = _warehouse.Execute("SELECT read_id, read_at, zone_id, rssi, source FROM badge_reads ORDER BY read_id", []);
        Assert.Equal(
            ["r1|2026-11-25 10:00:00.25|hall|-61|api", "r2|2026-11-25 10:00:02|null|null|agent"],
            rows.Records.Select(r => string.Join('|', r.Select(f => f.IsNull == true ? "null" : f.StringValue ?? f.LongValue?.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [Fact]
    public async Task LoadJsonLines_ConcurrentLoadsIntoSmallintColumn_EveryValueIntact()
    {
        // Regression: appending a 64-bit value into the SMALLINT rssi column corrupted DuckDB's memory under load.
        _warehouse.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        static string Batch(int batch) => string.Join('\n', Enumerable.Range(0, 2_000).Select(i =>
            $$"""{"read_id":"b{{batch}}-{{i}}","read_at":"2026-11-25 10:00:00","badge_hash":"h{{i}}","sensor_id":"s","rssi":{{-(i % 128)}},"received_at":"2026-11-25 10:00:00","source":"api"}"""));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(b => Task.Run(() =>
            _warehouse.LoadJsonLines("badge_reads", new MemoryStream(Encoding.UTF8.GetBytes(Batch(b)))))));

        // Per batch, i % 128 runs 0..127 fifteen times (1,920 values) then 0..79: 15 * 8,128 + 3,160 = 125,080.
        var totals = _warehouse.Execute("SELECT COUNT(*), CAST(SUM(rssi) AS BIGINT), MIN(rssi) FROM badge_reads", []).Records[0];
        Assert.Equal(8_000, totals[0].LongValue);
        Assert.Equal(-4 * 125_080, totals[1].LongValue);
        Assert.Equal(-127, totals[2].LongValue);
    }

    [Theory]
    [InlineData("""{"read_id":"r3","read_at":"not a time","badge_hash":"h","sensor_id":"s","received_at":"2026-11-25 10:00:00","source":"api"}""", "line 2")]
    [InlineData("""{"read_id":"r3","badge_hash":"h","sensor_id":"s","received_at":"2026-11-25 10:00:00","source":"api"}""", "read_at")]
    [InlineData("""{"read_id":"r3",""", "line 2")]
    [InlineData("""{"read_id":"r3","read_at":"2026-11-25 10:00:00","badge_hash":"h","sensor_id":"s","rssi":40000,"received_at":"2026-11-25 10:00:00","source":"api"}""", "rssi")]
    public void LoadJsonLines_OneBadLine_NothingLoaded(string badLine, string expectedInMessage)
    {
        _warehouse.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        var lines = """{"read_id":"ok","read_at":"2026-11-25 10:00:00","badge_hash":"h","sensor_id":"s","received_at":"2026-11-25 10:00:00","source":"api"}""" + "\n" + badLine;

        var error = Assert.Throws<WarehouseException>(() => _warehouse.LoadJsonLines("badge_reads", new MemoryStream(Encoding.UTF8.GetBytes(lines))));

        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _warehouse.Execute("SELECT COUNT(*) FROM badge_reads", []).Records[0][0].LongValue);
    }

    [Fact]
    public void LoadJsonLines_ByteOrderMarkCrLfAndBlankLines_EveryRowLoadedAndBadLineNumberedAsReadLineWould()
    {
        _warehouse.ExecuteBatch(CraftedReads.SchemaStatements(), []);
        static string Line(string id) => $$"""{"read_id":"{{id}}","read_at":"2026-11-25 10:00:00","badge_hash":"h","sensor_id":"s","received_at":"2026-11-25 10:00:00","source":"api"}""";
        byte[] Bytes(string text) => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];

        var loaded = _warehouse.LoadJsonLines("badge_reads", Bytes(Line("a") + "\r\n\r\n" + Line("b") + "\r" + Line("c") + "\n \t\n"));

        Assert.Equal(3, loaded);
        Assert.Equal(3, _warehouse.Execute("SELECT COUNT(*) FROM badge_reads", []).Records[0][0].LongValue);

        // Lines: a (1), blank (2), b (3), c (4), bad (5); nothing of this load is kept.
        var error = Assert.Throws<WarehouseException>(() => _warehouse.LoadJsonLines("badge_reads", Bytes(Line("d") + "\r\n\n" + Line("e") + "\r" + Line("f") + "\n{\"read_id\":")));

        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _warehouse.Execute("SELECT COUNT(*) FROM badge_reads", []).Records[0][0].LongValue);
    }

    [Fact]
    public void LoadJsonLines_UnknownTable_Fails()
    {
        Assert.Throws<WarehouseException>(() => _warehouse.LoadJsonLines("nowhere", new MemoryStream("{}"u8.ToArray())));
    }

    [Fact]
    public async Task Execute_ConcurrentCallers_AllSucceed()
    {
        _warehouse.Execute("CREATE TABLE counter (caller INTEGER)", []);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            _warehouse.Execute("INSERT INTO counter VALUES (CAST(:i AS INTEGER))", [new("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            _warehouse.Execute("SELECT COUNT(*) FROM counter", []);
        })));

        Assert.Equal(16, _warehouse.Execute("SELECT COUNT(DISTINCT caller) FROM counter", []).Records[0][0].LongValue);
    }

    [Fact]
    public void Execute_CancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => _warehouse.Execute("SELECT 1", [], cancelled.Token));
    }

    [Fact]
    public void Open_FileDatabase_DataSurvivesReopen()
    {
        var path = Path.Combine(Path.GetTempPath(), $"badgeflow-warehouse-test-{Environment.ProcessId}-{nameof(Open_FileDatabase_DataSurvivesReopen)}.duckdb");
        try
        {
            using (var first = Local.Warehouse.Warehouse.Open(path))
            {
                first.ExecuteBatch(["CREATE TABLE kept (a INTEGER)", "INSERT INTO kept VALUES (7)"], []);
            }

            using var second = Local.Warehouse.Warehouse.Open(path);
            Assert.Equal(7, second.Execute("SELECT a FROM kept", []).Records[0][0].LongValue);

            // Concurrent callers on a file database share it too.
            Parallel.For(0, 8, i => second.Execute("INSERT INTO kept VALUES (CAST(:i AS INTEGER))", [new("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
            Assert.Equal(9, second.Execute("SELECT COUNT(*) FROM kept", []).Records[0][0].LongValue);
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".wal");
        }
    }
}
