using BadgeFlow.Aws.RedshiftData;

namespace BadgeFlow.Schema;

/// <summary>The DDL in Schema.sql (embedded), split into the statements of one BatchExecuteStatement.</summary>
public static class WarehouseSchema
{
    /// <summary>Every statement of Schema.sql, in order, without the comment-only fragments.</summary>
    public static IReadOnlyList<string> Statements { get; } = Split(Load());

    /// <summary>Splits on a semicolon that ends a line (the file's convention) and removes comments
    /// (<see cref="SqlScript.WithoutComments"/>).</summary>
    public static IReadOnlyList<string> Split(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var statements = script.ReplaceLineEndings("\n")
            .Split(";\n", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => SqlScript.WithoutComments(s.TrimEnd(';')).Trim())
            .Where(s => s.Length > 0)
            .ToList();
        return statements.Count is >= 1 and <= 40
            ? statements
            : throw new InvalidOperationException($"Schema.sql must hold 1 to 40 statements (one BatchExecuteStatement), not {statements.Count}.");
    }

    // Comments are removed per statement by Split, after the split on the file's line-ending semicolons.
    private static string Load()
    {
        using var stream = typeof(WarehouseSchema).Assembly.GetManifestResourceStream("Schema.sql")
            ?? throw new InvalidOperationException("The embedded resource Schema.sql is missing from the Schema function.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
