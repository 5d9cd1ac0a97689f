using BadgeFlow.Local.Warehouse;

namespace BadgeFlow.Local.RedshiftData;

/// <summary>Binds the Data API and Firehose's COPY to the DuckDB <see cref="Warehouse.Warehouse"/>. The warehouse is
/// synchronous; its calls run on the thread pool so the endpoint keeps answering while a statement runs.</summary>
public sealed partial class WarehouseStatementEngine(Warehouse.Warehouse warehouse, string stagingDirectory) : IStatementEngine
{
    public Task<StatementOutcome> ExecuteAsync(string sql, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
        Task.Run(() => ToOutcome(warehouse.Execute(sql, ToParameters(parameters), cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<StatementOutcome>> ExecuteBatchAsync(IReadOnlyList<string> sqls, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<StatementOutcome>>(() => [.. warehouse.ExecuteBatch(sqls, ToParameters(parameters), cancellationToken).Select(ToOutcome)], cancellationToken);

    /// <summary>Stages the batch as a file, as Firehose stages an S3 object, and loads it with one INSERT … SELECT FROM
    /// read_json: keys matched to the table's columns by name, other keys ignored, missing ones NULL, all or nothing —
    /// what COPY FORMAT AS JSON 'auto' does. (Warehouse.LoadJsonLines's appender corrupts memory on batches of long
    /// strings with DuckDB.NET 1.5.6 — "Invalid unicode … in segment statistics update", then SIGSEGV — so the load goes
    /// through SQL until that is fixed.)</summary>
    public Task<long> LoadJsonLinesAsync(string table, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken) =>
        Task.Run(() => Load(table, jsonLines, cancellationToken), cancellationToken);

    private long Load(string table, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken)
    {
        if (!SafeName().IsMatch(table))
        {
            throw new WarehouseException($"ERROR: invalid table name '{table}'.");
        }

        var columns = warehouse.Execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = :table_name ORDER BY ordinal_position",
            [new WarehouseParameter("table_name", table)],
            cancellationToken).Records;
        if (columns.Count == 0)
        {
            throw new WarehouseException($"ERROR: relation \"{table}\" does not exist");
        }

        Directory.CreateDirectory(stagingDirectory);
        var staged = Path.Combine(stagingDirectory, $"{table}-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(staged, jsonLines.ToArray());
        try
        {
            var types = string.Join(", ", columns.Select(c => $"\"{c[0].StringValue}\": '{c[1].StringValue}'"));
            var sql = $"INSERT INTO {table} BY NAME SELECT * FROM read_json('{staged.Replace("'", "''", StringComparison.Ordinal)}', " +
                $"format = 'newline_delimited', columns = {{{types}}})";
            var result = warehouse.Execute(sql, [], cancellationToken);
            return result.ResultRows;
        }
        finally
        {
            File.Delete(staged);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,126}$")]
    private static partial System.Text.RegularExpressions.Regex SafeName();

    private static List<WarehouseParameter> ToParameters(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        [.. parameters.Select(p => new WarehouseParameter(p.Key, p.Value))];

    private static StatementOutcome ToOutcome(WarehouseResult result) => new(
        result.HasResultSet,
        [.. result.Columns.Select(c => new ResultColumn(c.Name, c.TypeName, c.Nullable != 0, c.Precision, c.Scale, c.IsSigned, c.TableName))],
        [.. result.Records.Select(row => (IReadOnlyList<ResultField>)[.. row.Select(ToField)])],
        result.ResultRows);

    private static ResultField ToField(WarehouseField field) => field switch
    {
        { IsNull: true } => ResultField.Null,
        { BooleanValue: { } b } => ResultField.Of(b),
        { LongValue: { } l } => ResultField.Of(l),
        { DoubleValue: { } d } => ResultField.Of(d),
        { StringValue: { } s } => ResultField.Of(s),
        { BlobValue: { } bytes } => ResultField.Blob(bytes),
        _ => ResultField.Null,
    };
}
