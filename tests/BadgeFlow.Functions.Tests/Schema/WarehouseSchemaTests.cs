using BadgeFlow.Schema;

namespace BadgeFlow.Functions.Tests.Schema;

public sealed class WarehouseSchemaTests
{
    [Fact]
    public void Statements_EmbeddedSchema_CreatesBadgeReadsAsDesignSays()
    {
        Assert.Equal(2, WarehouseSchema.Statements.Count);
        var ddl = WarehouseSchema.Statements[0];

        Assert.StartsWith("CREATE TABLE IF NOT EXISTS badge_reads", ddl, StringComparison.Ordinal);
        foreach (var column in new[]
                 {
                     "read_id      VARCHAR(64)  NOT NULL", "read_at      TIMESTAMP    NOT NULL", "badge_hash   VARCHAR(64)  NOT NULL",
                     "sensor_id    VARCHAR(64)  NOT NULL", "zone_id      VARCHAR(64) ", "venue        VARCHAR(64) ", "rssi         SMALLINT ",
                     "received_at  TIMESTAMP    NOT NULL", "source       VARCHAR(16)  NOT NULL",
                 })
        {
            Assert.Contains(column, ddl, StringComparison.Ordinal);
        }

        Assert.Contains("SORTKEY (read_at)", ddl, StringComparison.Ordinal);
    }

    [Fact]
    public void Statements_EmbeddedSchema_CreatesReportRevisionsWithTheColumnsTheAggregatorWrites()
    {
        var ddl = WarehouseSchema.Statements[1];

        Assert.StartsWith("CREATE TABLE IF NOT EXISTS report_revisions", ddl, StringComparison.Ordinal);
        // Every column RecordRevision.sql inserts and LatestRevisions.sql reads.
        var insert = BadgeFlow.Aggregator.Corrections.ReportRevisionStore.RecordSql;
        var columns = insert[(insert.IndexOf('(', StringComparison.Ordinal) + 1)..insert.IndexOf(')', StringComparison.Ordinal)]
            .Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(11, columns.Length);
        Assert.All(columns, c => Assert.Matches($@"\n\s*{c}\s+[A-Z]", ddl));
        Assert.DoesNotContain("--", ddl, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_CommentsAndSeveralStatements_OnlySqlKept()
    {
        var statements = WarehouseSchema.Split("-- header\nCREATE TABLE a (x INT);\n\n-- note\nCREATE TABLE b (y INT)\nSORTKEY (y);\n-- trailing comment\n");

        Assert.Equal(["CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)\nSORTKEY (y)"], statements);
    }

    [Fact]
    public void Split_NoStatement_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => WarehouseSchema.Split("-- nothing here\n"));
    }
}
