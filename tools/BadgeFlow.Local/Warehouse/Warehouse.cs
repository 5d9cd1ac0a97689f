using System.Data.Common;
using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;

namespace BadgeFlow.Local.Warehouse;

/// <summary>
/// The local stand-in for Amazon Redshift: a DuckDB database that runs statements with Data API semantics (named
/// <c>:parameters</c> passed as strings, Redshift DDL, batches as one transaction, results as Data API fields with
/// Redshift's type names and timestamp text) and loads Transform's JSON lines as <c>COPY … FORMAT AS JSON 'auto'</c> would.
/// Thread-safe: every call works on its own DuckDB connection to the one database, so concurrent statements run as
/// concurrent transactions, as they would on a cluster.
/// </summary>
public sealed class Warehouse : IDisposable
{
    /// <summary>DuckDB's memory bound for a file-backed warehouse: the density queries of a 10-hour, 10 M-read day run
    /// well within it (docs/demo.md "Replay at scale").</summary>
    internal const string FileBackedMemoryLimit = "512MB";

    private readonly DuckDBConnection _root;
    private readonly bool _inMemory;
    private int _disposed;

    private Warehouse(DuckDBConnection root, bool inMemory)
    {
        _root = root;
        _inMemory = inMemory;
    }

    /// <summary>Opens (creating if needed) the DuckDB database at <paramref name="databasePath"/>; ":memory:" for a
    /// database that lives as long as this object.</summary>
    public static Warehouse Open(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var root = new DuckDBConnection($"Data Source={databasePath}");
        try
        {
            root.Open();

            var inMemory = databasePath == ":memory:";
            using var command = root.CreateCommand();

            // Redshift TIMESTAMP columns hold UTC; GETDATE() and casts from TIMESTAMPTZ must agree with them.
            command.CommandText = "SET TimeZone = 'UTC'";
            command.ExecuteNonQuery();
            if (!inMemory)
            {
                // DuckDB's buffer pool defaults to 80 % of RAM and keeps every block it has read or written: over a long
                // replay the process grows with the table. A file-backed database evicts to its file, so a bound keeps
                // memory flat at no cost in rows (an in-memory one cannot evict, so it keeps the default).
                command.CommandText = $"SET memory_limit = '{FileBackedMemoryLimit}'";
                command.ExecuteNonQuery();
            }

            return new Warehouse(root, inMemory);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>ExecuteStatement: runs one statement; a failure is a <see cref="WarehouseException"/> with Redshift-style text.</summary>
    public WarehouseResult Execute(string sql, IReadOnlyList<WarehouseParameter> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        var statement = RedshiftDialect.Translate(sql);
        RequireAllUsed([statement], parameters);
        using var connection = Connect();
        return Run(connection, statement, parameters, cancellationToken);
    }

    /// <summary>BatchExecuteStatement: runs the statements in order as one transaction (all or nothing) and returns one
    /// result per statement (sub-statements Id:1, Id:2…).</summary>
    public IReadOnlyList<WarehouseResult> ExecuteBatch(
        IReadOnlyList<string> sqls, IReadOnlyList<WarehouseParameter> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sqls);
        ArgumentNullException.ThrowIfNull(parameters);
        if (sqls.Count is < 1 or > 40)
        {
            throw new WarehouseException($"ERROR: a batch holds 1 to 40 statements, not {sqls.Count}.");
        }

        // The Data API shares one parameter list across a batch: each must be used by some statement.
        var translated = sqls.Select(RedshiftDialect.Translate).ToList();
        RequireAllUsed(translated, parameters);
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var results = new List<WarehouseResult>(sqls.Count);
        try
        {
            for (var i = 0; i < translated.Count; i++)
            {
                try
                {
                    results.Add(Run(connection, translated[i], parameters, cancellationToken));
                }
                catch (WarehouseException error)
                {
                    throw new WarehouseException($"{error.Message} (statement {i + 1} of {sqls.Count}; the batch was rolled back)", error);
                }
            }

            transaction.Commit();
            return results;
        }
        catch
        {
            transaction.Rollback();
            throw;
        }
    }

    /// <summary>Loads newline-delimited JSON into <paramref name="table"/> as Redshift's <c>COPY … FORMAT AS JSON 'auto'</c>
    /// does: keys are matched to column names, other keys are ignored, missing columns take their default or NULL,
    /// timestamps are read as TIMEFORMAT 'auto'. All or nothing: one bad line loads no line. Returns the rows loaded.</summary>
    public long LoadJsonLines(string table, Stream jsonLines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jsonLines);
        if (jsonLines is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            return LoadJsonLines(table, buffer.AsMemory((int)memory.Position), cancellationToken);
        }

        using var copy = new MemoryStream();
        jsonLines.CopyTo(copy);
        return LoadJsonLines(table, copy.GetBuffer().AsMemory(0, (int)copy.Length), cancellationToken);
    }

    /// <summary>As <see cref="LoadJsonLines(string, Stream, CancellationToken)"/>, from the staged bytes themselves.</summary>
    public long LoadJsonLines(string table, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        using var connection = Connect();
        var columns = JsonLinesLoader.DescribeTable(connection, table);
        return JsonLinesLoader.Load(connection, table, columns, jsonLines, cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _root.Dispose();
        }
    }

    private DuckDBConnection Connect()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // DuckDB connections are not shared across threads: each call gets its own connection to the one database.
        // In memory, Duplicate() is the only way to reach the same database; for a file, DuckDB.NET shares the open
        // database between connections with the same data source, which the root connection keeps open.
        DuckDBConnection connection;
        if (_inMemory)
        {
            lock (_root)
            {
                connection = _root.Duplicate();
            }
        }
        else
        {
            connection = new DuckDBConnection(_root.ConnectionString);
        }

        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SET TimeZone = 'UTC'";
        command.ExecuteNonQuery();
        return connection;
    }

    private static void RequireAllUsed(IReadOnlyList<TranslatedStatement> statements, IReadOnlyList<WarehouseParameter> parameters)
    {
        var unused = parameters
            .Where(p => !statements.Any(s => s.ParameterNames.Contains(p.Name, StringComparer.Ordinal)))
            .Select(p => p.Name)
            .ToList();
        if (unused.Count > 0)
        {
            throw new WarehouseException($"ERROR: parameter :{string.Join(", :", unused)} is not used in the statement.");
        }
    }

    private static WarehouseResult Run(
        DuckDBConnection connection, TranslatedStatement statement, IReadOnlyList<WarehouseParameter> parameters, CancellationToken cancellationToken)
    {
        var missing = statement.ParameterNames.Where(name => !parameters.Any(p => p.Name == name)).ToList();
        if (missing.Count > 0)
        {
            throw new WarehouseException($"ERROR: the statement uses :{string.Join(", :", missing)} but no such parameter was passed.");
        }

        try
        {
            foreach (var preamble in statement.Preamble)
            {
                using var setup = connection.CreateCommand();
                setup.CommandText = preamble;
                setup.ExecuteNonQuery();
            }

            using var command = connection.CreateCommand();
            command.CommandText = statement.Sql;
            foreach (var parameter in parameters.Where(p => statement.ParameterNames.Contains(p.Name, StringComparer.Ordinal)))
            {
                command.Parameters.Add(new DuckDBParameter(parameter.Name, parameter.Value));
            }

            // CancelStatement on the endpoint cancels the token; DuckDB interrupts the running query.
            using var registration = cancellationToken.Register(command.Cancel);
            cancellationToken.ThrowIfCancellationRequested();
            if (statement.Kind != StatementKind.Query)
            {
                var affected = command.ExecuteNonQuery();
                return WarehouseResult.NoResultSet(statement.Kind == StatementKind.Modification ? Math.Max(affected, 0) : 0);
            }

            using var reader = command.ExecuteReader();
            return ReadAll(reader, cancellationToken);
        }
        catch (DbException error)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new WarehouseException("ERROR: " + error.Message, error);
        }
    }

    private static WarehouseResult ReadAll(DbDataReader reader, CancellationToken cancellationToken)
    {
        var columns = new WarehouseColumn[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = DataApiTypes.Column(reader.GetName(i), reader.GetDataTypeName(i));
        }

        var records = new List<IReadOnlyList<WarehouseField>>();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = new WarehouseField[columns.Length];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? WarehouseField.Null : DataApiTypes.Field(reader.GetValue(i), reader.GetDataTypeName(i));
            }

            records.Add(row);
        }

        return new WarehouseResult(true, records.Count, columns, records);
    }
}

/// <summary>How Redshift's Data API presents values: its type names, and which Field member carries which type.</summary>
internal static class DataApiTypes
{
    /// <summary>Redshift's text for a TIMESTAMP: fraction only when there is one, without trailing zeros
    /// ("2026-11-25 10:14:59", "2026-11-25 10:14:59.5").</summary>
    public static string FormatTimestamp(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    public static WarehouseColumn Column(string name, string duckDbType)
    {
        var (typeName, signed, precision, scale) = duckDbType.ToUpperInvariant() switch
        {
            "BIGINT" or "HUGEINT" or "UBIGINT" or "UHUGEINT" => ("int8", true, 19, 0),
            "INTEGER" or "UINTEGER" => ("int4", true, 10, 0),
            "SMALLINT" or "TINYINT" or "USMALLINT" or "UTINYINT" => ("int2", true, 5, 0),
            "DOUBLE" => ("float8", true, 17, 17),
            "FLOAT" => ("float4", true, 8, 8),
            "DECIMAL" => ("numeric", true, 38, 0),
            "BOOLEAN" => ("bool", false, 1, 0),
            "TIMESTAMP" or "TIMESTAMP_NS" or "TIMESTAMP_MS" or "TIMESTAMP_S" => ("timestamp", false, 29, 6),
            "TIMESTAMPTZ" => ("timestamptz", false, 35, 6),
            "DATE" => ("date", false, 13, 0),
            "TIME" => ("time", false, 15, 6),
            "BLOB" => ("varbyte", false, 0, 0),
            _ => ("varchar", false, 0, 0),
        };
        return new WarehouseColumn
        {
            Name = name,
            Label = name,
            TypeName = typeName,
            IsSigned = signed,
            IsCaseSensitive = typeName == "varchar",
            Precision = precision,
            Scale = scale,
        };
    }

    public static WarehouseField Field(object value, string duckDbType) => value switch
    {
        long l => WarehouseField.Of(l),
        int i => WarehouseField.Of(i),
        short s => WarehouseField.Of(s),
        sbyte sb => WarehouseField.Of(sb),
        byte b => WarehouseField.Of(b),
        ushort us => WarehouseField.Of(us),
        uint ui => WarehouseField.Of(ui),
        ulong ul when ul <= long.MaxValue => WarehouseField.Of((long)ul),
        // DuckDB sums integers into HUGEINT where Redshift gives BIGINT: keep it a longValue while it fits.
        BigInteger big when big >= long.MinValue && big <= long.MaxValue => WarehouseField.Of((long)big),
        double d => WarehouseField.Of(d),
        float f => WarehouseField.Of(f),
        bool flag => WarehouseField.Of(flag),
        // NUMERIC/DECIMAL travel as text, so no precision is lost on the way.
        decimal m => WarehouseField.Of(m.ToString(CultureInfo.InvariantCulture)),
        DateTime t when duckDbType.Equals("TimestampTz", StringComparison.OrdinalIgnoreCase) =>
            WarehouseField.Of(FormatTimestamp(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t) + "+00"),
        DateTime t => WarehouseField.Of(FormatTimestamp(t)),
        DateTimeOffset o => WarehouseField.Of(FormatTimestamp(o.UtcDateTime) + "+00"),
        DateOnly date => WarehouseField.Of(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        TimeOnly time => WarehouseField.Of(time.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture)),
        byte[] bytes => new WarehouseField { BlobValue = bytes },
        string text => WarehouseField.Of(text),
        _ => WarehouseField.Of(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };
}
