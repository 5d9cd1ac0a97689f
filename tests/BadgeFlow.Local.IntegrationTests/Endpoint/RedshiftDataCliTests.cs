using System.Text.Json;
using BadgeFlow.Local.Tests.Support;

namespace BadgeFlow.Local.Tests.Endpoint;

[Trait("Category", "Integration")]
public sealed class RedshiftDataCliTests : IClassFixture<EndpointStack>
{
    private static readonly string[] Target = ["--workgroup-name", "badgeflow-local", "--database", "dev"];

    private readonly EndpointStack _local;

    public RedshiftDataCliTests(EndpointStack local) => _local = local;

    [Fact]
    public async Task ExecuteStatement_NamedParameter_FinishesWithTheComputedRow()
    {
        var id = (await _local.Cli.RunAsync(
            ["redshift-data", "execute-statement", .. Target, "--sql", "SELECT CAST(:n AS INTEGER) + 1 AS next_value, 'x' AS label", "--parameters", "name=n,value=41"]))
            .GetProperty("Id").GetString()!;

        var description = await WaitAsync(id);
        Assert.Equal("FINISHED", description.GetProperty("Status").GetString());
        Assert.True(description.GetProperty("HasResultSet").GetBoolean());
        Assert.Equal(1, description.GetProperty("ResultRows").GetInt64());
        Assert.True(description.GetProperty("Duration").GetInt64() >= 0);

        var result = await _local.Cli.RunAsync("redshift-data", "get-statement-result", "--id", id);
        var row = result.GetProperty("Records")[0];
        Assert.Equal(42, row[0].GetProperty("longValue").GetInt64());
        Assert.Equal("x", row[1].GetProperty("stringValue").GetString());
        Assert.Equal(["next_value", "label"], result.GetProperty("ColumnMetadata").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(1, result.GetProperty("TotalNumRows").GetInt64());
    }

    [Fact]
    public async Task GetStatementResult_MoreRowsThanAPage_PagesWithNextToken()
    {
        var id = (await _local.Cli.RunAsync(
            ["redshift-data", "execute-statement", .. Target, "--sql", "SELECT n FROM (VALUES (1), (2), (3), (4), (5)) AS t(n) ORDER BY n"]))
            .GetProperty("Id").GetString()!;
        await WaitAsync(id);

        var values = new List<long>();
        var pages = 0;
        string? token = null;
        do
        {
            string[] arguments = token is null
                ? ["redshift-data", "get-statement-result", "--id", id, "--no-paginate"]
                : ["redshift-data", "get-statement-result", "--id", id, "--no-paginate", "--next-token", token];
            var page = await _local.Cli.RunAsync(arguments);
            pages++;
            Assert.True(page.GetProperty("Records").GetArrayLength() <= EndpointStack.PageSize);
            values.AddRange(page.GetProperty("Records").EnumerateArray().Select(r => r[0].GetProperty("longValue").GetInt64()));
            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal([1L, 2, 3, 4, 5], values);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task BatchExecuteStatement_CreateInsertSelect_SubStatementsFinishAndLastHoldsTheRows()
    {
        var id = (await _local.Cli.RunAsync(
            ["redshift-data", "batch-execute-statement", .. Target, "--sqls",
             "CREATE TABLE cli_batch (id INTEGER NOT NULL, name VARCHAR(10))",
             "INSERT INTO cli_batch VALUES (1, 'a'), (2, 'b')",
             "SELECT name FROM cli_batch ORDER BY id"]))
            .GetProperty("Id").GetString()!;

        var description = await WaitAsync(id);
        Assert.Equal("FINISHED", description.GetProperty("Status").GetString());
        var subs = description.GetProperty("SubStatements").EnumerateArray().ToList();
        Assert.Equal([$"{id}:1", $"{id}:2", $"{id}:3"], subs.Select(s => s.GetProperty("Id").GetString()!).ToArray());
        Assert.All(subs, s => Assert.Equal("FINISHED", s.GetProperty("Status").GetString()));
        Assert.Equal(2, subs[1].GetProperty("ResultRows").GetInt64());
        Assert.True(subs[2].GetProperty("HasResultSet").GetBoolean());

        var result = await _local.Cli.RunAsync("redshift-data", "get-statement-result", "--id", $"{id}:3");
        Assert.Equal(["a", "b"], result.GetProperty("Records").EnumerateArray().Select(r => r[0].GetProperty("stringValue").GetString()!).ToArray());
    }

    [Fact]
    public async Task ExecuteStatement_MissingTable_FailsWithTheWarehouseError()
    {
        var id = (await _local.Cli.RunAsync(["redshift-data", "execute-statement", .. Target, "--sql", "SELECT * FROM no_such_table"]))
            .GetProperty("Id").GetString()!;

        var description = await WaitAsync(id);
        Assert.Equal("FAILED", description.GetProperty("Status").GetString());
        Assert.Contains("no_such_table", description.GetProperty("Error").GetString(), StringComparison.OrdinalIgnoreCase);

        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("redshift-data", "get-statement-result", "--id", id);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ResourceNotFoundException", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListStatements_AfterANamedStatement_ListsIt()
    {
        var id = (await _local.Cli.RunAsync(["redshift-data", "execute-statement", .. Target, "--sql", "SELECT 1", "--statement-name", "cli-listed"]))
            .GetProperty("Id").GetString()!;
        await WaitAsync(id);

        var listed = await _local.Cli.RunAsync("redshift-data", "list-statements", "--statement-name", "cli-listed");
        var statement = Assert.Single(listed.GetProperty("Statements").EnumerateArray());
        Assert.Equal(id, statement.GetProperty("Id").GetString());
        Assert.Equal("FINISHED", statement.GetProperty("Status").GetString());
        Assert.Equal("SELECT 1", statement.GetProperty("QueryString").GetString());
    }

    [Fact]
    public async Task CancelStatement_AlreadyFinished_ValidationException()
    {
        var id = (await _local.Cli.RunAsync(["redshift-data", "execute-statement", .. Target, "--sql", "SELECT 2"])).GetProperty("Id").GetString()!;
        await WaitAsync(id);

        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("redshift-data", "cancel-statement", "--id", id);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ValidationException", stderr, StringComparison.Ordinal);
        Assert.Contains("FINISHED", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeStatement_UnknownId_ResourceNotFoundException()
    {
        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("redshift-data", "describe-statement", "--id", "00000000-0000-0000-0000-000000000000");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ResourceNotFoundException", stderr, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitAsync(string id)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var description = await _local.Cli.RunAsync("redshift-data", "describe-statement", "--id", id);
            if (description.GetProperty("Status").GetString() is "FINISHED" or "FAILED" or "ABORTED")
            {
                return description;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Statement {id} did not finish.");
    }
}
