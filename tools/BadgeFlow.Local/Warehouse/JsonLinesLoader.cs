using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;

namespace BadgeFlow.Local.Warehouse;

/// <summary>A column of the target table, as information_schema describes it.</summary>
internal sealed record TableColumn(string Name, string DataType, bool IsNullable, bool HasDefault);

/// <summary>The warehouse side of Firehose's Redshift delivery: <c>COPY table FROM … FORMAT AS JSON 'auto'
/// TIMEFORMAT 'auto'</c>. Lines are validated first and appended only when every line is good, as COPY with the default
/// MAXERROR 0 loads nothing from a file with a bad line.</summary>
internal static class JsonLinesLoader
{
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd",
    ];

    public static IReadOnlyList<TableColumn> DescribeTable(DuckDBConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns " +
            "WHERE table_name = $table ORDER BY ordinal_position";
        command.Parameters.Add(new DuckDBParameter("table", table));
        using var reader = command.ExecuteReader();
        var columns = new List<TableColumn>();
        while (reader.Read())
        {
            columns.Add(new TableColumn(
                reader.GetString(0),
                reader.GetString(1).ToUpperInvariant(),
                reader.GetString(2) == "YES",
                !reader.IsDBNull(3)));
        }

        return columns.Count > 0
            ? columns
            : throw new WarehouseException($"ERROR: relation \"{table}\" does not exist");
    }

    /// <summary>Validates and appends every line in one transaction, streaming: each line is parsed from the UTF-8 bytes
    /// and appended as it is read, and the first bad line rolls back what was appended, so the load is all or nothing
    /// without holding the rows. Lines end at <c>\n</c>, <c>\r</c> or <c>\r\n</c>; blank lines are skipped; a leading
    /// UTF-8 byte order mark is ignored; invalid UTF-8 is a bad line, as COPY rejects it. Returns the rows loaded.</summary>
    public static long Load(DuckDBConnection connection, string table, IReadOnlyList<TableColumn> columns, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken)
    {
        var rest = jsonLines;
        if (rest.Span.StartsWith("\uFEFF"u8))
        {
            rest = rest[3..];
        }

        long rows = 0;
        var values = new object?[columns.Count];
        using var transaction = connection.BeginTransaction();
        try
        {
            using (var appender = connection.CreateAppender(table))
            {
                var lineNumber = 0;
                while (!rest.IsEmpty)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var end = rest.Span.IndexOfAny((byte)'\n', (byte)'\r');
                    var line = end < 0 ? rest : rest[..end];
                    var next = end < 0 ? rest.Length : end + (rest.Span[end] == '\r' && end + 1 < rest.Length && rest.Span[end + 1] == '\n' ? 2 : 1);
                    rest = rest[next..];
                    lineNumber++;
                    if (line.Span.IndexOfAnyExcept(" \t\v\f"u8) < 0)
                    {
                        continue;
                    }

                    try
                    {
                        ParseLine(columns, line, values);
                    }
                    catch (Exception error) when (error is JsonException or FormatException or OverflowException or InvalidOperationException or ArgumentException)
                    {
                        // Redshift records load errors in STL_LOAD_ERRORS with the line number; the message carries it here.
                        throw new WarehouseException($"ERROR: Load into table '{table}' failed at line {lineNumber}: {error.Message}", error);
                    }

                    AppendRow(appender, columns, values);
                    rows++;
                }
            }

            transaction.Commit();
            return rows;
        }
        catch (Exception error)
        {
            transaction.Rollback();
            if (error is WarehouseException or OperationCanceledException)
            {
                throw;
            }

            throw new WarehouseException($"ERROR: Load into table '{table}' failed: {error.Message}", error);
        }
    }

    private static void AppendRow(DuckDBAppender appender, IReadOnlyList<TableColumn> columns, object?[] values)
    {
        var row = appender.CreateRow();
        for (var i = 0; i < columns.Count; i++)
        {
            row = values[i] switch
            {
                null => row.AppendNullValue(),
                DefaultMarker => row.AppendDefault(),
                string text => row.AppendValue(text),
                // The appender writes the CLR type's width as is: a long into a SMALLINT column corrupts DuckDB's memory.
                long number when columns[i].DataType == "SMALLINT" => row.AppendValue((short?)number),
                long number when columns[i].DataType == "INTEGER" => row.AppendValue((int?)number),
                long number when columns[i].DataType == "TINYINT" => row.AppendValue((sbyte?)number),
                long number => row.AppendValue((long?)number),
                double real => row.AppendValue((double?)real),
                bool flag => row.AppendValue((bool?)flag),
                DateTime time => row.AppendValue((DateTime?)time),
                DateOnly date => row.AppendValue((DateOnly?)date),
                decimal exact => row.AppendValue((decimal?)exact),
                var other => throw new InvalidOperationException($"Unexpected value type {other.GetType()}."),
            };
        }

        row.EndRow();
    }

    /// <summary>Fills <paramref name="values"/> with one value per column: null for SQL NULL, <see cref="Default"/> for a
    /// column the line omits that has a default.</summary>
    private static void ParseLine(IReadOnlyList<TableColumn> columns, ReadOnlyMemory<byte> line, object?[] values)
    {
        using var document = JsonDocument.Parse(line);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a line must be one JSON object.");
        }

        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];

            // JSON 'auto' matches keys to the (always lower-case) column names exactly; other keys are ignored.
            if (!document.RootElement.TryGetProperty(column.Name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                if (element.ValueKind != JsonValueKind.Null && column.HasDefault)
                {
                    values[i] = Default;
                    continue;
                }

                values[i] = column.IsNullable
                    ? null
                    : throw new FormatException($"missing data for not-null field {column.Name}.");
                continue;
            }

            values[i] = Convert(column, element);
        }
    }

    private static object Convert(TableColumn column, JsonElement element)
    {
        var type = column.DataType;
        if (type.StartsWith("VARCHAR", StringComparison.Ordinal) || type == "TEXT")
        {
            return element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        }

        if (type is "BIGINT" or "INTEGER" or "SMALLINT" or "TINYINT")
        {
            var number = element.ValueKind == JsonValueKind.String
                ? long.Parse(element.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
                : element.GetInt64();
            var (min, max) = type switch
            {
                "SMALLINT" => (short.MinValue, short.MaxValue),
                "INTEGER" => (int.MinValue, int.MaxValue),
                "TINYINT" => (sbyte.MinValue, (long)sbyte.MaxValue),
                _ => (long.MinValue, long.MaxValue),
            };
            return number >= min && number <= max
                ? number
                : throw new OverflowException($"{number} is out of range for {column.Name} ({type}).");
        }

        if (type is "DOUBLE" or "FLOAT" or "REAL")
        {
            return element.ValueKind == JsonValueKind.String
                ? double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
                : element.GetDouble();
        }

        if (type.StartsWith("DECIMAL", StringComparison.Ordinal))
        {
            return element.ValueKind == JsonValueKind.String
                ? decimal.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
                : element.GetDecimal();
        }

        if (type == "BOOLEAN")
        {
            return element.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? element.GetBoolean()
                : throw new FormatException($"{column.Name} expects a boolean.");
        }

        if (type.StartsWith("TIMESTAMP", StringComparison.Ordinal))
        {
            return ParseTimestamp(column, element);
        }

        if (type == "DATE")
        {
            return DateOnly.ParseExact(element.GetString() ?? string.Empty, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        throw new FormatException($"{column.Name} has type {type}, which the local warehouse does not load from JSON.");
    }

    private static DateTime ParseTimestamp(TableColumn column, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{column.Name} expects a timestamp string.");
        }

        var text = element.GetString()!;
        if (!DateTimeOffset.TryParseExact(
                text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            throw new FormatException($"Invalid timestamp format or value [{text}] for {column.Name}.");
        }

        // TIMESTAMP columns hold UTC wall time without an offset.
        return DateTime.SpecifyKind(parsed.UtcDateTime, DateTimeKind.Unspecified);
    }

    /// <summary>Marks a value to be filled from the column's DEFAULT.</summary>
    private static readonly DefaultMarker Default = new();

    private sealed class DefaultMarker;
}
