namespace BadgeFlow.Local.RedshiftData;

/// <summary>What the Data API needs from a database: run a statement with <c>:name</c> parameters, run a batch as one
/// transaction, and load JSON lines as COPY would. The stack binds it to the DuckDB warehouse.</summary>
public interface IStatementEngine
{
    Task<StatementOutcome> ExecuteAsync(string sql, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken);

    /// <summary>All or nothing; a failing statement throws <see cref="BatchStatementFailedException"/> naming it.</summary>
    Task<IReadOnlyList<StatementOutcome>> ExecuteBatchAsync(IReadOnlyList<string> sqls, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken);

    /// <summary>Loads newline-delimited JSON objects into <paramref name="table"/> (keys = column names, as COPY
    /// <c>FORMAT AS JSON 'auto'</c>); returns the rows loaded.</summary>
    Task<long> LoadJsonLinesAsync(string table, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken);
}

/// <summary>A statement's result: rows and columns when it returns a result set, affected rows otherwise.</summary>
public sealed record StatementOutcome(
    bool HasResultSet,
    IReadOnlyList<ResultColumn> Columns,
    IReadOnlyList<IReadOnlyList<ResultField>> Rows,
    long AffectedRows);

/// <summary>A Data API ColumnMetadata entry.</summary>
public sealed record ResultColumn(string Name, string TypeName, bool Nullable = true, int Precision = 0, int Scale = 0, bool IsSigned = false, string TableName = "");

/// <summary>A Data API Field: exactly one member is meaningful, by <see cref="Kind"/>.</summary>
public readonly record struct ResultField(FieldKind Kind, bool BooleanValue = false, long LongValue = 0, double DoubleValue = 0, string? StringValue = null)
{
    public static ResultField Null => new(FieldKind.Null);

    public static ResultField Of(bool value) => new(FieldKind.Boolean, BooleanValue: value);

    public static ResultField Of(long value) => new(FieldKind.Long, LongValue: value);

    public static ResultField Of(double value) => new(FieldKind.Double, DoubleValue: value);

    public static ResultField Of(string value) => new(FieldKind.String, StringValue: value);

    /// <summary>Bytes travel base64 encoded in <see cref="StringValue"/>.</summary>
    public static ResultField Blob(byte[] value) => new(FieldKind.Blob, StringValue: Convert.ToBase64String(value));
}

public enum FieldKind { Null, Boolean, Long, Double, String, Blob }

/// <summary>A statement of a batch failed; the transaction was rolled back.</summary>
public sealed class BatchStatementFailedException : Exception
{
    public BatchStatementFailedException(int index, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Index = index;
    }

    public BatchStatementFailedException()
    {
    }

    public BatchStatementFailedException(string message)
        : base(message)
    {
    }

    public BatchStatementFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Zero-based index of the failing statement.</summary>
    public int Index { get; }
}
