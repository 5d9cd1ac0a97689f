using System.Collections.Concurrent;
using BadgeFlow.Aggregator.Corrections;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Runtime;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>A hand-written Redshift Data API: statements follow a script of statuses, results are served in pages, and
/// every call is recorded. The Aggregator's own <c>report_revisions</c> statements are answered from an in-memory table
/// (<see cref="Revisions"/>): an INSERT adds its parameters as a row, the lookup returns the rows in its range, in the
/// Data API's field types. Every other statement (the watermark check first, then the density query) goes to
/// <see cref="Answer"/>, which must tell them apart by <c>WatermarkQuery.Sql</c>.</summary>
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

    /// <summary>The rows of report_revisions: each recorded revision's parameters by name, in insertion order.</summary>
    public List<IReadOnlyDictionary<string, string>> Revisions { get; } = [];

    /// <summary>Thrown by the INSERT into report_revisions (after the Publish): a failure between publish and record.</summary>
    public Exception? RecordError { get; set; }

    private static readonly IReadOnlyList<ColumnMetadata> RevisionColumns =
    [
        new("window_start", "timestamp"), new("revision", "int4"), new("provisional", "bool"), new("figures_digest", "varchar"),
        new("reads", "int8"), new("severity", "varchar"), new("worst_zone", "varchar"), new("zone_severities", "varchar"), new("message_id", "varchar"),
    ];

    private (IReadOnlyList<ColumnMetadata>, IReadOnlyList<IReadOnlyList<Field>>)? AnswerRevisions(StatementRequest request)
    {
        var values = request.Parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        if (request.Sql == ReportRevisionStore.RecordSql)
        {
            if (RecordError is not null)
            {
                throw RecordError;
            }

            Revisions.Add(values);
            return ([], []);
        }

        if (request.Sql != ReportRevisionStore.LatestSql)
        {
            return null;
        }

        // The timestamps are 'YYYY-MM-DD HH:MM:SS' strings, so ordinal comparison is chronological.
        var rows = Revisions
            .Where(r => string.CompareOrdinal(r["window_start"], values["first_window"]) >= 0 && string.CompareOrdinal(r["window_start"], values["last_window"]) <= 0)
            .OrderBy(r => r["window_start"], StringComparer.Ordinal).ThenBy(r => int.Parse(r["revision"], System.Globalization.CultureInfo.InvariantCulture))
            .Select(r => (IReadOnlyList<Field>)
            [
                Text(r["window_start"]), Whole(r["revision"]), new(false, bool.Parse(r["provisional"]), null, null, null), Text(r["figures_digest"]),
                Whole(r["reads"]), Text(r["severity"]), Text(r["worst_zone"]), Text(r["zone_severities"]), Text(r["message_id"]),
            ])
            .ToList();
        return (RevisionColumns, rows);

        static Field Text(string value) => new(false, null, null, null, value);
        static Field Whole(string value) => new(false, null, long.Parse(value, System.Globalization.CultureInfo.InvariantCulture), null, null);
    }

    /// <summary>The suspect query's rows (Suspects/SuspectStreams.sql); null answers none.</summary>
    public Func<IReadOnlyList<IReadOnlyList<Field>>>? SuspectAnswer { get; set; }

    public static readonly IReadOnlyList<ColumnMetadata> SuspectColumns =
    [
        new("row_kind", "varchar"), new("sensor_id", "varchar"), new("zone_id", "varchar"), new("minute", "int8"),
        new("badges", "int8"), new("reads", "int8"), new("impossible_badges", "int8"),
    ];

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
        if (AnswerRevisions(request) is { } revisions)
        {
            (Columns, Records) = revisions;
        }
        else if (request.Sql == BadgeFlow.Aggregator.Suspects.SuspectQuery.Sql && SuspectAnswer is null)
        {
            // The implausible-stream check finds nothing unless a test says otherwise.
            (Columns, Records) = (SuspectColumns, []);
        }
        else if (request.Sql == BadgeFlow.Aggregator.Suspects.SuspectQuery.Sql)
        {
            (Columns, Records) = (SuspectColumns, SuspectAnswer!());
        }
        else if (Answer is not null)
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
