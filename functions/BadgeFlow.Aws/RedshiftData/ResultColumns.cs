namespace BadgeFlow.Aws.RedshiftData;

/// <summary>A statement result's columns by name (case-insensitive, as Redshift folds unquoted names): statements are read
/// by column name, never by position, so a reordered SELECT list cannot shift a figure into the wrong field.</summary>
public sealed class ResultColumns
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _statement;

    /// <param name="statement">What the result answers, for the error ("the density query").</param>
    public ResultColumns(IReadOnlyList<ColumnMetadata> columns, string statement)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(statement);
        for (var i = 0; i < columns.Count; i++)
        {
            _index[columns[i].Name] = i;
        }

        _statement = statement;
    }

    /// <summary>The position of column <paramref name="name"/>; throws <see cref="InvalidDataException"/> naming the
    /// statement and the column when the result lacks it.</summary>
    public int this[string name] => _index.TryGetValue(name, out var i)
        ? i
        : throw new InvalidDataException($"The {_statement}'s result has no column '{name}'.");
}
