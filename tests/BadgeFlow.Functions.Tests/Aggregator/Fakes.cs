using System.Collections.Concurrent;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Runtime;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>A hand-written Redshift Data API: statements follow a script of statuses, results are served in pages, and
/// every call is recorded.</summary>
internal sealed class FakeRedshiftData : IRedshiftData
{
    private readonly ConcurrentQueue<StatementStatus> _statuses = new();

    public List<StatementRequest> Executed { get; } = [];
    public List<BatchStatementRequest> Batches { get; } = [];
    public List<string> Described { get; } = [];
    public List<(string Id, string? NextToken)> ResultCalls { get; } = [];
    public List<string> Cancelled { get; } = [];

    /// <summary>Status after the script runs out (FINISHED, or STARTED for a statement that never ends).</summary>
    public StatementStatus FinalStatus { get; set; } = StatementStatus.Finished;
    public string? Error { get; set; }
    public bool HasResultSet { get; set; } = true;
    public IReadOnlyList<ColumnMetadata> Columns { get; set; } = [];
    public IReadOnlyList<IReadOnlyList<Field>> Records { get; set; } = [];
    public int PageSize { get; set; } = 1_000;
    public Exception? ExecuteError { get; set; }
    public Func<StatementRequest, (IReadOnlyList<ColumnMetadata>, IReadOnlyList<IReadOnlyList<Field>>)>? Answer { get; set; }

    public FakeRedshiftData Statuses(params StatementStatus[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }

        return this;
    }

    public Task<string> ExecuteStatementAsync(StatementRequest request, CancellationToken cancellationToken)
    {
        if (ExecuteError is not null)
        {
            throw ExecuteError;
        }

        Executed.Add(request);
        if (Answer is not null)
        {
            (Columns, Records) = Answer(request);
        }

        return Task.FromResult($"4c2c7a6e-0f3b-4d6e-9a1c-00000000000{Executed.Count}");
    }

    public Task<string> BatchExecuteStatementAsync(BatchStatementRequest request, CancellationToken cancellationToken)
    {
        Batches.Add(request);
        return Task.FromResult("9b1d2f3e-4a5b-4c6d-8e7f-000000000001");
    }

    public Task<StatementDescription> DescribeStatementAsync(string id, CancellationToken cancellationToken)
    {
        Described.Add(id);
        var status = _statuses.TryDequeue(out var next) ? next : FinalStatus;
        var error = status is StatementStatus.Failed or StatementStatus.Aborted ? Error : null;
        return Task.FromResult(new StatementDescription(id, status, error, HasResultSet, Records.Count, TimeSpan.FromMilliseconds(1_234)));
    }

    public Task<StatementResultPage> GetStatementResultAsync(string id, string? nextToken, CancellationToken cancellationToken)
    {
        ResultCalls.Add((id, nextToken));
        var offset = nextToken is null ? 0 : int.Parse(nextToken.Replace("page-", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        var page = Records.Skip(offset).Take(PageSize).ToList();
        var next = offset + PageSize < Records.Count ? $"page-{offset + PageSize}" : null;
        return Task.FromResult(new StatementResultPage(Columns, page, Records.Count, next));
    }

    public Task<bool> CancelStatementAsync(string id, CancellationToken cancellationToken)
    {
        Cancelled.Add(id);
        return Task.FromResult(true);
    }
}

/// <summary>A hand-written SNS that records every Publish.</summary>
internal sealed class FakeSns : ISns
{
    public List<PublishRequest> Published { get; } = [];
    public Exception? Error { get; set; }

    public Task<string> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (Error is not null)
        {
            throw Error;
        }

        Published.Add(request);
        return Task.FromResult($"6f1c3a2b-5d4e-4f60-8a7b-00000000000{Published.Count}");
    }
}

internal static class TestContext
{
    public static LambdaContext Create(TimeProvider time, TextWriter logs, TimeSpan remaining, CancellationToken cancellationToken = default) =>
        new(
            "d3b07384-d9a0-4c9b-8f1e-000000000001",
            "arn:aws:lambda:us-east-1:123456789012:function:badgeflow-test",
            null,
            time.GetUtcNow() + remaining,
            time,
            new JsonLogger(logs, LogLevel.Debug, time),
            cancellationToken);
}
