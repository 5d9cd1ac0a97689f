using System.Reflection;
using System.Text;

namespace BadgeFlow.Aws.RedshiftData;

/// <summary>SQL files embedded in a function, as sent through the Data API: without their comments, which document the
/// file, not the statement Redshift keeps in its query history (and which would be billed as text on every call).</summary>
public static class SqlScript
{
    /// <summary>Reads an embedded SQL resource and removes its comments.</summary>
    public static string LoadEmbedded(Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded resource {resourceName} is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return WithoutComments(reader.ReadToEnd());
    }

    /// <summary>Removes <c>--</c> comments (to the end of the line) outside string literals and quoted identifiers, trailing
    /// white space, and the lines left empty; the statement's text is otherwise unchanged.</summary>
    public static string WithoutComments(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var result = new StringBuilder(sql.Length);
        foreach (var line in sql.ReplaceLineEndings("\n").Split('\n'))
        {
            var kept = line.AsSpan(0, CommentStart(line)).TrimEnd();
            if (!kept.IsWhiteSpace())
            {
                result.Append(kept).Append('\n');
            }
        }

        return result.ToString().TrimEnd('\n');
    }

    // A quote opened on a line closes on it in these files; a '--' inside '...' or "..." is text, not a comment.
    private static int CommentStart(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '-' && i + 1 < line.Length && line[i + 1] == '-')
            {
                return i;
            }
        }

        return line.Length;
    }
}
