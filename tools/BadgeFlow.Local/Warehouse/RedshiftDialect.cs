namespace BadgeFlow.Local.Warehouse;

internal enum StatementKind
{
    /// <summary>Returns rows (SELECT, WITH, VALUES, SHOW…).</summary>
    Query,

    /// <summary>Changes rows and reports how many (INSERT, UPDATE, DELETE, MERGE).</summary>
    Modification,

    /// <summary>Anything else: DDL, SET, transaction control.</summary>
    Other,
}

/// <summary>A statement rewritten for DuckDB: its text, the Data API parameter names it refers to, and statements that
/// must run first (sequences standing in for Redshift IDENTITY columns).</summary>
internal sealed record TranslatedStatement(string Sql, IReadOnlyList<string> ParameterNames, IReadOnlyList<string> Preamble, StatementKind Kind);

/// <summary>
/// Rewrites the Redshift SQL BadgeFlow sends through the Data API into DuckDB SQL. It translates only what differs and
/// is safe to translate mechanically: <c>:name</c> parameters become <c>$name</c>; Redshift-only table attributes
/// (DISTSTYLE, DISTKEY, SORTKEY, ENCODE, BACKUP) are dropped, since they tune storage and never change results;
/// IDENTITY(seed, step) becomes a sequence default; VARCHAR(MAX) becomes VARCHAR; GETDATE()/SYSDATE the current UTC time.
/// Anything else is passed through unchanged, so SQL DuckDB does not accept fails as it would on a real warehouse.
/// </summary>
internal static class RedshiftDialect
{
    private static readonly HashSet<string> QueryWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE", "EXPLAIN", "TABLE", "PRAGMA", "SUMMARIZE", "FROM",
    };

    private static readonly HashSet<string> ModificationWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "INSERT", "UPDATE", "DELETE", "MERGE",
    };

    public static TranslatedStatement Translate(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = SqlTokenizer.Tokenize(sql);
        var preamble = new List<string>();
        if (IsCreateTable(tokens))
        {
            tokens = RewriteCreateTable(tokens, preamble);
        }

        var parameters = new List<string>();
        var output = new List<SqlToken>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (IsParameterMarker(tokens, i))
            {
                var name = tokens[i + 1].Text;
                if (!parameters.Contains(name, StringComparer.Ordinal))
                {
                    parameters.Add(name);
                }

                output.Add(new SqlToken(SqlTokenKind.Word, "$" + name));
                i++;
                continue;
            }

            if ((token.IsWord("GETDATE") && NextSignificant(tokens, i, out var open) && tokens[open].IsSymbol('(')
                    && NextSignificant(tokens, open, out var close) && tokens[close].IsSymbol(')')))
            {
                output.Add(new SqlToken(SqlTokenKind.Word, "CAST(current_timestamp AS TIMESTAMP)"));
                i = close;
                continue;
            }

            if (token.IsWord("SYSDATE"))
            {
                output.Add(new SqlToken(SqlTokenKind.Word, "CAST(current_timestamp AS TIMESTAMP)"));
                continue;
            }

            output.Add(token);
        }

        return new TranslatedStatement(SqlTokenizer.Join(output), parameters, preamble, Classify(tokens));
    }

    private static StatementKind Classify(List<SqlToken> tokens)
    {
        var first = tokens.FirstOrDefault(t => !t.IsTrivia && !t.IsSymbol('('));
        if (first.Kind != SqlTokenKind.Word)
        {
            return StatementKind.Other;
        }

        if (QueryWords.Contains(first.Text))
        {
            return StatementKind.Query;
        }

        return ModificationWords.Contains(first.Text) ? StatementKind.Modification : StatementKind.Other;
    }

    // ':' + name, where the colon is not part of a '::' cast and the name follows without a space.
    private static bool IsParameterMarker(List<SqlToken> tokens, int i) =>
        tokens[i].IsSymbol(':')
        && i + 1 < tokens.Count && tokens[i + 1].Kind == SqlTokenKind.Word
        && (i == 0 || !tokens[i - 1].IsSymbol(':'));

    private static bool IsCreateTable(List<SqlToken> tokens)
    {
        var words = tokens.Where(t => !t.IsTrivia).Take(4).ToList();
        if (words.Count < 2 || !words[0].IsWord("CREATE"))
        {
            return false;
        }

        var next = 1;
        while (next < words.Count && (words[next].IsWord("TEMP") || words[next].IsWord("TEMPORARY") || words[next].IsWord("LOCAL")))
        {
            next++;
        }

        return next < words.Count && words[next].IsWord("TABLE");
    }

    private static List<SqlToken> RewriteCreateTable(List<SqlToken> tokens, List<string> preamble)
    {
        var output = new List<SqlToken>(tokens.Count);
        var tableName = string.Empty;
        var columnName = string.Empty;
        var depth = 0;
        var expectColumn = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.IsSymbol('(') && NextSignificant(tokens, i, out var max) && tokens[max].IsWord("MAX")
                && NextSignificant(tokens, max, out var maxClose) && tokens[maxClose].IsSymbol(')'))
            {
                // VARCHAR(MAX): DuckDB's VARCHAR has no length limit to name.
                i = maxClose;
                continue;
            }

            if (token.IsSymbol('('))
            {
                depth++;
                expectColumn = depth == 1;
                if (depth == 1 && tableName.Length == 0)
                {
                    tableName = LastWord(output);
                }
            }
            else if (token.IsSymbol(')'))
            {
                depth--;
            }
            else if (token.IsSymbol(',') && depth == 1)
            {
                expectColumn = true;
            }
            else if (expectColumn && token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                columnName = token.Text.Trim('"');
                expectColumn = false;
                output.Add(token);
                continue;
            }

            if (token.IsWord("DISTSTYLE") || token.IsWord("ENCODE") || (token.IsWord("BACKUP") && NextIsWord(tokens, i, "YES", "NO")))
            {
                i = SkipNextWord(tokens, i);
                continue;
            }

            if (token.IsWord("COMPOUND") || token.IsWord("INTERLEAVED"))
            {
                if (NextIsWord(tokens, i, "SORTKEY"))
                {
                    continue;
                }
            }

            if (token.IsWord("DISTKEY") || token.IsWord("SORTKEY"))
            {
                // Table constraint form takes a column list; SORTKEY AUTO takes a word; as a column attribute it stands alone.
                if (NextSignificant(tokens, i, out var next) && tokens[next].IsSymbol('('))
                {
                    i = SkipGroup(tokens, next);
                }
                else if (NextIsWord(tokens, i, "AUTO"))
                {
                    i = SkipNextWord(tokens, i);
                }

                continue;
            }

            if (token.IsWord("IDENTITY") && NextSignificant(tokens, i, out var open) && tokens[open].IsSymbol('('))
            {
                var end = SkipGroup(tokens, open);
                var arguments = tokens.Skip(open + 1).Take(end - open - 1).Where(t => t.Kind == SqlTokenKind.Number).Select(t => t.Text).ToList();
                var seed = arguments.ElementAtOrDefault(0) ?? "1";
                var step = arguments.ElementAtOrDefault(1) ?? "1";
                RemoveTrailingWords(output, "GENERATED", "BY", "DEFAULT", "AS");
                var sequence = $"{tableName.Trim('"')}_{columnName}_identity".ToLowerInvariant();
                preamble.Add($"CREATE SEQUENCE IF NOT EXISTS \"{sequence}\" START WITH {seed} INCREMENT BY {step}");
                output.Add(new SqlToken(SqlTokenKind.Word, $"DEFAULT nextval('{sequence}')"));
                i = end;
                continue;
            }

            output.Add(token);
        }

        return output;
    }

    private static string LastWord(List<SqlToken> output)
    {
        for (var i = output.Count - 1; i >= 0; i--)
        {
            if (output[i].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                return output[i].Text;
            }
        }

        return "table";
    }

    private static void RemoveTrailingWords(List<SqlToken> output, params string[] words)
    {
        // Removes "GENERATED BY DEFAULT AS" (Redshift's long form) when it directly precedes IDENTITY.
        var positions = new List<int>();
        var w = words.Length - 1;
        for (var i = output.Count - 1; i >= 0 && w >= 0; i--)
        {
            if (output[i].IsTrivia)
            {
                continue;
            }

            if (!output[i].IsWord(words[w]))
            {
                return;
            }

            positions.Add(i);
            w--;
        }

        if (w < 0)
        {
            output.RemoveRange(positions[^1], output.Count - positions[^1]);
            output.Add(new SqlToken(SqlTokenKind.Whitespace, " "));
        }
    }

    private static bool NextSignificant(List<SqlToken> tokens, int i, out int next)
    {
        for (next = i + 1; next < tokens.Count; next++)
        {
            if (!tokens[next].IsTrivia)
            {
                return true;
            }
        }

        return false;
    }

    private static bool NextIsWord(List<SqlToken> tokens, int i, params string[] words) =>
        NextSignificant(tokens, i, out var next) && words.Any(tokens[next].IsWord);

    private static int SkipNextWord(List<SqlToken> tokens, int i) =>
        NextSignificant(tokens, i, out var next) && tokens[next].Kind == SqlTokenKind.Word ? next : i;

    private static int SkipGroup(List<SqlToken> tokens, int open)
    {
        var depth = 0;
        for (var i = open; i < tokens.Count; i++)
        {
            if (tokens[i].IsSymbol('('))
            {
                depth++;
            }
            else if (tokens[i].IsSymbol(')') && --depth == 0)
            {
                return i;
            }
        }

        return tokens.Count - 1;
    }
}
