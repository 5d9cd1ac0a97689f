using BadgeFlow.Local.Warehouse;

namespace BadgeFlow.Local.RedshiftData;

/// <summary>Binds the Data API and Firehose's COPY to the DuckDB <see cref="Warehouse.Warehouse"/>. The warehouse is
/// synchronous; its calls run on the thread pool so the endpoint keeps answering while a statement or a load runs.</summary>
public sealed class WarehouseStatementEngine(Warehouse.Warehouse warehouse) : IStatementEngine
{
    public Task<StatementOutcome> ExecuteAsync(string sql, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
        Task.Run(() => ToOutcome(warehouse.Execute(sql, ToParameters(parameters), cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<StatementOutcome>> ExecuteBatchAsync(IReadOnlyList<string> sqls, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<StatementOutcome>>(() => [.. warehouse.ExecuteBatch(sqls, ToParameters(parameters), cancellationToken).Select(ToOutcome)], cancellationToken);

    /// <summary>COPY FORMAT AS JSON 'auto' of one staged batch: keys matched to columns, all or nothing.</summary>
    public Task<long> LoadJsonLinesAsync(string table, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken) =>
        Task.Run(() => warehouse.LoadJsonLines(table, jsonLines, cancellationToken), cancellationToken);

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
