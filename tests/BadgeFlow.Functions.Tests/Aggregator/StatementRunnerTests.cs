using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Testing.Time;

namespace BadgeFlow.Functions.Tests.Aggregator;

public sealed class StatementRunnerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 22, 0, TimeSpan.Zero);
    private static readonly RedshiftTarget Target = new("dev", "badgeflow", null, null, null);
    private static readonly StatementRequest Request = new(Target, "SELECT 1", [new SqlParameter("p", "1")]);

    private readonly SteppingTimeProvider _time = new(Now);
    private readonly FakeRedshiftData _redshift = new();

    private StatementRunner Runner(int timeoutSeconds = 120) =>
        new(_redshift, _time, new StatementRunnerOptions(TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromMilliseconds(80), TimeSpan.FromMilliseconds(500)));

    private static IReadOnlyList<Field> Row(long value) => [new Field(false, null, value, null, null)];

    [Fact]
    public async Task QueryAsync_FinishedAfterPolling_BacksOffAndReadsEveryPage()
    {
        _redshift.Statuses(StatementStatus.Submitted, StatementStatus.Picked, StatementStatus.Started, StatementStatus.Started, StatementStatus.Started, StatementStatus.Started);
        _redshift.Columns = [new ColumnMetadata("n", "int8")];
        _redshift.Records = Enumerable.Range(1, 7).Select(i => Row(i)).ToList();
        _redshift.PageSize = 3;

        var result = await Runner().QueryAsync(Request, Now.AddMinutes(5), CancellationToken.None);

        // 7 rows in pages of 3: tokens null, page-3, page-6.
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], result.Records.Select(r => r[0].LongValue!.Value));
        Assert.Equal(3, result.Pages);
        Assert.Equal([null, "page-3", "page-6"], _redshift.ResultCalls.Select(c => c.NextToken));
        Assert.Equal("n", Assert.Single(result.Columns).Name);
        // 6 non-final polls, each followed by a wait growing by half from 80 ms and capped at 500 ms.
        Assert.Equal([80, 120, 180, 270, 405, 500], _time.Waits.Select(w => w.TotalMilliseconds));
        Assert.Equal(7, _redshift.Described.Count);
        Assert.Empty(_redshift.Cancelled);
    }

    [Fact]
    public async Task QueryAsync_Failed_ThrowsWithRedshiftMessage()
    {
        _redshift.Statuses(StatementStatus.Started, StatementStatus.Failed);
        _redshift.Error = "ERROR: relation \"badge_reads\" does not exist";

        var error = await Assert.ThrowsAsync<StatementFailedException>(() => Runner().QueryAsync(Request, Now.AddMinutes(5), CancellationToken.None));

        Assert.Equal("ERROR: relation \"badge_reads\" does not exist", error.RedshiftError);
        Assert.Contains("FAILED", error.Message, StringComparison.Ordinal);
        Assert.Contains("badge_reads", error.Message, StringComparison.Ordinal);
        Assert.Empty(_redshift.ResultCalls);
    }

    [Fact]
    public async Task QueryAsync_Aborted_Throws()
    {
        _redshift.Statuses(StatementStatus.Aborted);
        _redshift.Error = "Query cancelled by user";

        var error = await Assert.ThrowsAsync<StatementFailedException>(() => Runner().QueryAsync(Request, Now.AddMinutes(5), CancellationToken.None));

        Assert.Equal(StatementStatus.Aborted, error.Status);
    }

    [Fact]
    public async Task QueryAsync_OutlivesTimeout_CancelsAndThrows()
    {
        _redshift.FinalStatus = StatementStatus.Started;

        var error = await Assert.ThrowsAsync<StatementTimeoutException>(() => Runner(timeoutSeconds: 10).QueryAsync(Request, Now.AddMinutes(5), CancellationToken.None));

        Assert.True(error.Cancelled);
        Assert.Equal(TimeSpan.FromSeconds(10), error.Budget);
        Assert.Equal([error.StatementId], _redshift.Cancelled);
        // The last wait is cut to the budget: the clock never passes the 10 s.
        Assert.True(Now.AddSeconds(10) == _time.GetUtcNow(), string.Join(",", _time.Waits));
    }

    [Fact]
    public async Task QueryAsync_DeadlineBeforeTimeout_DeadlineWins()
    {
        _redshift.FinalStatus = StatementStatus.Started;

        var error = await Assert.ThrowsAsync<StatementTimeoutException>(() => Runner(timeoutSeconds: 120).QueryAsync(Request, Now.AddSeconds(3), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(3), error.Budget);
        Assert.Single(_redshift.Cancelled);
    }

    [Fact]
    public async Task QueryAsync_CallerCancels_StatementCancelledToo()
    {
        _redshift.FinalStatus = StatementStatus.Started;
        using var cancellation = new CancellationTokenSource();
        _redshift.Statuses(StatementStatus.Started);
        var runner = Runner();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.QueryAsync(Request, Now.AddMinutes(5), cancellation.Token));

        Assert.Single(_redshift.Cancelled);
    }

    [Fact]
    public async Task QueryAsync_NoResultSet_ReadsNoPage()
    {
        _redshift.HasResultSet = false;

        var result = await Runner().QueryAsync(Request, Now.AddMinutes(5), CancellationToken.None);

        Assert.Empty(result.Records);
        Assert.Empty(_redshift.ResultCalls);
    }

    [Fact]
    public async Task ExecuteBatchAsync_Finished_ReturnsDescription()
    {
        _redshift.Statuses(StatementStatus.Submitted);
        _redshift.HasResultSet = false;

        var description = await Runner().ExecuteBatchAsync(new BatchStatementRequest(Target, ["CREATE TABLE a (b INT)"]), Now.AddMinutes(1), CancellationToken.None);

        Assert.Equal(StatementStatus.Finished, description.Status);
        Assert.Single(_redshift.Batches);
    }
}
