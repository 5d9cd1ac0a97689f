using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using BadgeFlow.Local.Endpoint;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.RedshiftData;

/// <summary>The Redshift Data API (JSON 1.1, <c>RedshiftData.*</c>) over the local warehouse. Statements are queued and
/// run in the background one at a time, so clients see the real lifecycle (SUBMITTED → STARTED → FINISHED / FAILED /
/// ABORTED) and must poll DescribeStatement before reading results, exactly as against Redshift.</summary>
public sealed partial class DataApiService : IJsonProtocolService, IAsyncDisposable
{
    private readonly IStatementEngine _engine;
    private readonly TimeProvider _time;
    private readonly int _pageSize;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Statement> _statements = new(StringComparer.Ordinal);
    private readonly Channel<Statement> _queue = Channel.CreateUnbounded<Statement>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _worker;
    private long _queryIds = 1000;

    public DataApiService(IStatementEngine engine, TimeProvider time, int pageSize, ILogger<DataApiService> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        _engine = engine;
        _time = time;
        _pageSize = pageSize;
        _logger = logger;
    }

    public string TargetPrefix => "RedshiftData";

    public string MessageMember => "Message";

    public void Start() => _worker ??= RunAsync(_stopping.Token);

    public Task<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        Task.FromResult(operation switch
        {
            "ExecuteStatement" => Submit(Parse(body, DataApiJsonContext.Default.ExecuteStatementInput), batch: false),
            "BatchExecuteStatement" => Submit(Parse(body, DataApiJsonContext.Default.ExecuteStatementInput), batch: true),
            "DescribeStatement" => Describe(Parse(body, DataApiJsonContext.Default.StatementIdInput)),
            "GetStatementResult" => GetResult(Parse(body, DataApiJsonContext.Default.StatementIdInput)),
            "CancelStatement" => Cancel(Parse(body, DataApiJsonContext.Default.StatementIdInput)),
            "ListStatements" => List(Parse(body, DataApiJsonContext.Default.ListStatementsRequest)),
            _ => throw new AwsErrorException("UnknownOperationException", $"Operation {operation} is not supported by the local Redshift Data API."),
        });

    private byte[] Submit(ExecuteStatementInput input, bool batch)
    {
        IReadOnlyList<string> sqls;
        if (batch)
        {
            sqls = input.Sqls is { Count: >= 1 and <= 40 } list && list.All(s => !string.IsNullOrWhiteSpace(s))
                ? list
                : throw new AwsErrorException("ValidationException", "Sqls must hold 1 to 40 non-empty statements.");
        }
        else
        {
            sqls = string.IsNullOrWhiteSpace(input.Sql)
                ? throw new AwsErrorException("ValidationException", "Sql is required.")
                : [input.Sql];
        }

        if ((input.WorkgroupName is null) == (input.ClusterIdentifier is null))
        {
            throw new AwsErrorException("ValidationException", "Exactly one of WorkgroupName or ClusterIdentifier is required.");
        }

        if (string.IsNullOrEmpty(input.Database))
        {
            throw new AwsErrorException("ValidationException", "Database is required.");
        }

        if (input.ResultFormat is not (null or "JSON" or "CSV"))
        {
            throw new AwsErrorException("ValidationException", $"ResultFormat {input.ResultFormat} is not JSON or CSV.");
        }

        var parameters = ValidateParameters(input.Parameters);
        var now = _time.GetUtcNow();
        var statement = new Statement(Guid.NewGuid().ToString(), input, sqls, parameters, batch, now);
        _statements[statement.Id] = statement;
        if (!_queue.Writer.TryWrite(statement))
        {
            throw new AwsErrorException("InternalServerException", "The local Data API is shutting down.", 500);
        }

        return JsonSerializer.SerializeToUtf8Bytes(
            new ExecuteStatementOutput(statement.Id, Epoch(now), input.ClusterIdentifier, input.WorkgroupName, input.Database, input.DbUser, input.SecretArn),
            DataApiJsonContext.Default.ExecuteStatementOutput);
    }

    private static List<KeyValuePair<string, string>> ValidateParameters(IReadOnlyList<WireSqlParameter>? parameters)
    {
        if (parameters is null)
        {
            return [];
        }

        if (parameters.Count == 0)
        {
            throw new AwsErrorException("ValidationException", "Parameters, when present, must hold at least one parameter.");
        }

        var result = new List<KeyValuePair<string, string>>(parameters.Count);
        foreach (var parameter in parameters)
        {
            if (parameter.Name is null || !ParameterName().IsMatch(parameter.Name))
            {
                throw new AwsErrorException("ValidationException", $"Parameter name '{parameter.Name}' must match [0-9a-zA-Z_]+.");
            }

            if (string.IsNullOrEmpty(parameter.Value))
            {
                throw new AwsErrorException("ValidationException", $"Parameter '{parameter.Name}' needs a value of at least 1 character.");
            }

            result.Add(new(parameter.Name, parameter.Value));
        }

        return result;
    }

    private byte[] Describe(StatementIdInput input)
    {
        var (statement, sub) = Find(input.Id);
        lock (statement)
        {
            if (sub is not null)
            {
                // Describing one sub-statement answers with that sub-statement's figures.
                var part = statement.Parts[sub.Value];
                return JsonSerializer.SerializeToUtf8Bytes(
                    new DescribeStatementResponse(
                        $"{statement.Id}:{sub.Value + 1}", part.Status, part.Error, part.DurationNs, Epoch(statement.CreatedAt), Epoch(part.UpdatedAt ?? statement.UpdatedAt),
                        part.Outcome?.HasResultSet ?? false, part.Sql, part.ResultRows, part.ResultSize, statement.Pid, part.QueryId,
                        ToWire(statement.Parameters), null, statement.Input.ClusterIdentifier, statement.Input.WorkgroupName, statement.Input.Database,
                        statement.Input.DbUser, statement.Input.SecretArn, statement.Input.ResultFormat ?? "JSON"),
                    DataApiJsonContext.Default.DescribeStatementResponse);
            }

            var subStatements = statement.IsBatch
                ? statement.Parts.Select((p, i) => new SubStatementData(
                    $"{statement.Id}:{i + 1}", p.Status, p.Error, p.DurationNs, Epoch(statement.CreatedAt), Epoch(p.UpdatedAt ?? statement.UpdatedAt),
                    p.Sql, p.ResultRows, p.ResultSize, p.QueryId, p.Outcome?.HasResultSet ?? false)).ToList()
                : null;
            var single = statement.Parts[0];
            return JsonSerializer.SerializeToUtf8Bytes(
                new DescribeStatementResponse(
                    statement.Id, statement.Status, statement.Error, statement.DurationNs, Epoch(statement.CreatedAt), Epoch(statement.UpdatedAt),
                    statement.Parts.Any(p => p.Outcome?.HasResultSet == true),
                    statement.IsBatch ? null : single.Sql,
                    statement.IsBatch ? BatchResultRows(statement) : single.ResultRows,
                    statement.IsBatch ? -1 : single.ResultSize,
                    statement.Pid,
                    statement.IsBatch ? 0 : single.QueryId,
                    ToWire(statement.Parameters), subStatements, statement.Input.ClusterIdentifier, statement.Input.WorkgroupName, statement.Input.Database,
                    statement.Input.DbUser, statement.Input.SecretArn, statement.Input.ResultFormat ?? "JSON"),
                DataApiJsonContext.Default.DescribeStatementResponse);
        }
    }

    private static long BatchResultRows(Statement statement) =>
        statement.Status == "FINISHED" ? statement.Parts.Where(p => p.ResultRows >= 0).Sum(p => p.ResultRows) : -1;

    private byte[] GetResult(StatementIdInput input)
    {
        var (statement, sub) = Find(input.Id);
        StatementOutcome outcome;
        lock (statement)
        {
            if (statement.IsBatch && sub is null)
            {
                throw new AwsErrorException("ValidationException", "This is a batch statement: ask for a sub-statement's result with Id:N.");
            }

            var part = statement.Parts[sub ?? 0];
            if (part.Status != "FINISHED" || part.Outcome is null)
            {
                throw new AwsErrorException("ResourceNotFoundException", $"Query has not finished (status {part.Status}); check its status with DescribeStatement.", 400,
                    [new("ResourceId", input.Id!)]);
            }

            if (!part.Outcome.HasResultSet)
            {
                throw new AwsErrorException("ResourceNotFoundException", "Query does not have result. Please check query status with DescribeStatement.", 400,
                    [new("ResourceId", input.Id!)]);
            }

            outcome = part.Outcome;
        }

        var offset = 0;
        if (!string.IsNullOrEmpty(input.NextToken))
        {
            offset = ParseToken(input.NextToken, input.Id!);
        }

        var end = Math.Min(offset + _pageSize, outcome.Rows.Count);
        var records = new List<IReadOnlyList<WireField>>(end - offset);
        for (var i = offset; i < end; i++)
        {
            records.Add([.. outcome.Rows[i].Select(ToWire)]);
        }

        var columns = outcome.Columns.Select(c => new WireColumnMetadata(
            IsCaseSensitive: c.TypeName is "varchar" or "char" or "bpchar" or "text",
            IsCurrency: false,
            IsSigned: c.IsSigned,
            Label: c.Name,
            Name: c.Name,
            Nullable: c.Nullable ? 1 : 0,
            Precision: c.Precision,
            Scale: c.Scale,
            SchemaName: c.TableName.Length > 0 ? "public" : string.Empty,
            TableName: c.TableName,
            TypeName: c.TypeName,
            Length: 0)).ToList();
        var next = end < outcome.Rows.Count ? MakeToken(input.Id!, end) : null;
        return JsonSerializer.SerializeToUtf8Bytes(
            new GetStatementResultResponse(records, columns, outcome.Rows.Count, next),
            DataApiJsonContext.Default.GetStatementResultResponse);
    }

    private byte[] Cancel(StatementIdInput input)
    {
        var (statement, sub) = Find(input.Id);
        if (sub is not null)
        {
            throw new AwsErrorException("ValidationException", "Cancel the batch by its Id, not a sub-statement's.");
        }

        lock (statement)
        {
            if (statement.IsTerminal)
            {
                throw new AwsErrorException("ValidationException", $"Could not cancel a query that is already in {statement.Status} state with ID: {statement.Id}");
            }

            statement.CancelRequested = true;
            statement.Cancellation.Cancel();
            if (statement.Status == "SUBMITTED")
            {
                statement.Finish("ABORTED", null, _time.GetUtcNow());
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(new CancelStatementResponse(true), DataApiJsonContext.Default.CancelStatementResponse);
    }

    private byte[] List(ListStatementsRequest request)
    {
        var max = request.MaxResults is null or 0 ? 100 : Math.Clamp(request.MaxResults.Value, 1, 100);
        var all = _statements.Values
            .Where(s => request.StatementName is null || (s.Input.StatementName?.StartsWith(request.StatementName, StringComparison.Ordinal) ?? false))
            .Where(s => request.Status is null or "ALL" || s.Status == request.Status)
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal)
            .ToList();
        var offset = string.IsNullOrEmpty(request.NextToken) ? 0 : ParseToken(request.NextToken, "list");
        var page = all.Skip(offset).Take(max).Select(s =>
        {
            lock (s)
            {
                return new StatementData(
                    s.Id, s.IsBatch ? null : s.Parts[0].Sql, s.IsBatch ? [.. s.Parts.Select(p => p.Sql)] : null, s.Status, s.Input.StatementName,
                    Epoch(s.CreatedAt), Epoch(s.UpdatedAt), ToWire(s.Parameters), s.IsBatch, s.Input.SecretArn, s.Input.ResultFormat ?? "JSON");
            }
        }).ToList();
        var next = offset + max < all.Count ? MakeToken("list", offset + max) : null;
        return JsonSerializer.SerializeToUtf8Bytes(new ListStatementsResponse(page, next), DataApiJsonContext.Default.ListStatementsResponse);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var statement in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await RunOneAsync(statement, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunOneAsync(Statement statement, CancellationToken stopping)
    {
        lock (statement)
        {
            if (statement.IsTerminal)
            {
                return;
            }

            statement.Status = "STARTED";
            statement.StartedTimestamp = _time.GetTimestamp();
            statement.UpdatedAt = _time.GetUtcNow();
            statement.Pid = 1073741824 + (Environment.ProcessId % 1000);
            foreach (var part in statement.Parts)
            {
                part.Status = "STARTED";
                part.QueryId = Interlocked.Increment(ref _queryIds);
            }
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, statement.Cancellation.Token);
        try
        {
            if (statement.IsBatch)
            {
                var outcomes = await _engine.ExecuteBatchAsync(statement.Parts.Select(p => p.Sql).ToList(), statement.Parameters, linked.Token).ConfigureAwait(false);
                Complete(statement, outcomes);
            }
            else
            {
                var outcome = await _engine.ExecuteAsync(statement.Parts[0].Sql, statement.Parameters, linked.Token).ConfigureAwait(false);
                Complete(statement, [outcome]);
            }
        }
        catch (OperationCanceledException) when (statement.CancelRequested)
        {
            Fail(statement, "ABORTED", null, null);
        }
        catch (BatchStatementFailedException ex)
        {
            Fail(statement, "FAILED", ex.Message, ex.Index);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(statement, "FAILED", ex.Message, statement.IsBatch ? null : 0);
        }
    }

    private void Complete(Statement statement, IReadOnlyList<StatementOutcome> outcomes)
    {
        var now = _time.GetUtcNow();
        lock (statement)
        {
            if (statement.CancelRequested)
            {
                // A cancel that arrived while it ran wins, as Redshift rolls the statement back.
                statement.Finish("ABORTED", null, now);
                return;
            }

            var perPart = _time.GetElapsedTime(statement.StartedTimestamp).Ticks * 100 / Math.Max(1, statement.Parts.Count);
            for (var i = 0; i < statement.Parts.Count; i++)
            {
                var part = statement.Parts[i];
                var outcome = i < outcomes.Count ? outcomes[i] : new StatementOutcome(false, [], [], -1);
                part.Outcome = outcome;
                part.ResultRows = outcome.HasResultSet ? outcome.Rows.Count : outcome.AffectedRows;
                part.ResultSize = outcome.HasResultSet ? EstimateSize(outcome) : -1;
                part.DurationNs = perPart;
            }

            statement.Finish("FINISHED", null, now);
        }

        LogFinished(_logger, statement.Id, statement.Parts.Count);
    }

    private void Fail(Statement statement, string status, string? error, int? failedIndex)
    {
        var now = _time.GetUtcNow();
        lock (statement)
        {
            for (var i = 0; i < statement.Parts.Count; i++)
            {
                var part = statement.Parts[i];
                // In a failed batch the whole transaction rolls back: the failing statement is FAILED, the rest ABORTED.
                part.Status = failedIndex == i ? status : "ABORTED";
                part.Error = failedIndex == i ? error : null;
                part.UpdatedAt = now;
            }

            statement.Finish(status, error, now);
        }

        LogFailed(_logger, statement.Id, status);
    }

    private (Statement Statement, int? Sub) Find(string? id)
    {
        if (id is null || !StatementId().IsMatch(id))
        {
            throw new AwsErrorException("ValidationException", $"Id '{id}' is not a valid statement id.");
        }

        var colon = id.IndexOf(':', StringComparison.Ordinal);
        var key = colon < 0 ? id : id[..colon];
        if (!_statements.TryGetValue(key, out var statement))
        {
            throw new AwsErrorException("ResourceNotFoundException", $"Query does not exist: {id}", 400, [new("ResourceId", id)]);
        }

        if (colon < 0)
        {
            return (statement, null);
        }

        if (!statement.IsBatch || !int.TryParse(id[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > statement.Parts.Count)
        {
            throw new AwsErrorException("ResourceNotFoundException", $"Query does not exist: {id}", 400, [new("ResourceId", id)]);
        }

        return (statement, n - 1);
    }

    private static string MakeToken(string scope, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{scope}|{offset.ToString(CultureInfo.InvariantCulture)}"));

    private static int ParseToken(string token, string scope)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var bar = text.LastIndexOf('|');
            if (bar > 0 && text[..bar] == scope && int.TryParse(text[(bar + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
            // Falls through to the validation error.
        }

        throw new AwsErrorException("ValidationException", "NextToken is not valid for this request.");
    }

    private static long EstimateSize(StatementOutcome outcome) =>
        outcome.Rows.Sum(row => row.Sum(f => f.Kind switch
        {
            FieldKind.String or FieldKind.Blob => Encoding.UTF8.GetByteCount(f.StringValue ?? string.Empty),
            FieldKind.Null => 0,
            _ => 8,
        }));

    private static WireField ToWire(ResultField field) => field.Kind switch
    {
        FieldKind.Null => new WireField(true, null, null, null, null, null),
        FieldKind.Boolean => new WireField(null, field.BooleanValue, null, null, null, null),
        FieldKind.Long => new WireField(null, null, field.LongValue, null, null, null),
        FieldKind.Double => new WireField(null, null, null, field.DoubleValue, null, null),
        FieldKind.Blob => new WireField(null, null, null, null, null, field.StringValue),
        _ => new WireField(null, null, null, null, field.StringValue ?? string.Empty, null),
    };

    private static List<WireSqlParameter>? ToWire(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        parameters.Count == 0 ? null : [.. parameters.Select(p => new WireSqlParameter(p.Key, p.Value))];

    private static double Epoch(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private static T Parse<T>(ReadOnlyMemory<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(body.Span, type) ?? throw new AwsErrorException("SerializationException", "Empty request body.");

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_worker is not null)
        {
            await _worker.ConfigureAwait(false);
        }

        foreach (var statement in _statements.Values)
        {
            statement.Cancellation.Dispose();
        }

        _stopping.Dispose();
    }

    [GeneratedRegex(@"^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d{0,2})?$")]
    private static partial Regex StatementId();

    [GeneratedRegex("^[0-9a-zA-Z_]+$")]
    private static partial Regex ParameterName();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Statement {StatementId} finished ({StatementCount} statements)")]
    private static partial void LogFinished(ILogger logger, string statementId, int statementCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statement {StatementId} ended {Status}")]
    private static partial void LogFailed(ILogger logger, string statementId, string status);

    private sealed class Statement
    {
        public Statement(string id, ExecuteStatementInput input, IReadOnlyList<string> sqls, IReadOnlyList<KeyValuePair<string, string>> parameters, bool isBatch, DateTimeOffset now)
        {
            Id = id;
            Input = input;
            Parameters = parameters;
            IsBatch = isBatch;
            CreatedAt = now;
            UpdatedAt = now;
            Parts = [.. sqls.Select(s => new Part(s))];
        }

        public string Id { get; }

        public ExecuteStatementInput Input { get; }

        public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

        public bool IsBatch { get; }

        public DateTimeOffset CreatedAt { get; }

        public DateTimeOffset UpdatedAt { get; set; }

        public List<Part> Parts { get; }

        public string Status { get; set; } = "SUBMITTED";

        public string? Error { get; set; }

        public long DurationNs { get; set; }

        public long StartedTimestamp { get; set; }

        public long Pid { get; set; }

        public bool CancelRequested { get; set; }

        public CancellationTokenSource Cancellation { get; } = new();

        public bool IsTerminal => Status is "FINISHED" or "FAILED" or "ABORTED";

        public void Finish(string status, string? error, DateTimeOffset now)
        {
            Status = status;
            Error = error;
            UpdatedAt = now;
            DurationNs = Parts.Sum(p => p.DurationNs);
            foreach (var part in Parts.Where(p => p.Status is "SUBMITTED" or "STARTED"))
            {
                part.Status = status;
                part.UpdatedAt = now;
            }
        }
    }

    private sealed class Part(string sql)
    {
        public string Sql { get; } = sql;

        public string Status { get; set; } = "SUBMITTED";

        public string? Error { get; set; }

        public StatementOutcome? Outcome { get; set; }

        public long ResultRows { get; set; } = -1;

        public long ResultSize { get; set; } = -1;

        public long DurationNs { get; set; }

        public long QueryId { get; set; }

        public DateTimeOffset? UpdatedAt { get; set; }
    }
}
