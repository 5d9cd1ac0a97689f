using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BadgeFlow.Testing;

namespace BadgeFlow.Template.Tests.Support;

/// <summary>
/// The C# a deployed function runs: its own project and the types it uses from the libraries it references (found by
/// following type names from its own files through the libraries' files, so a library type the function never names
/// does not count). Comments are removed before anything is read, so a doc-comment example is not mistaken for code.
/// Only the dashboard test reads it (which metrics a function emits); settings and AWS actions are declared as data
/// (each function's <c>FunctionContract</c>).
/// </summary>
internal sealed class FunctionSources
{
    private FunctionSources(string project, IReadOnlyList<SourceFile> files)
    {
        Project = project;
        Files = files;
    }

    public string Project { get; }

    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>Loads functions/<paramref name="project"/> and the library types it uses.</summary>
    public static FunctionSources Load(string project)
    {
        var projectFile = RepositoryPaths.Repo("functions", project, project + ".csproj");
        Assert.True(File.Exists(projectFile), $"{projectFile} does not exist.");

        var own = ReadFiles(Path.GetDirectoryName(projectFile)!).ToList();
        var library = ReferencedProjects(projectFile).SelectMany(p => ReadFiles(Path.GetDirectoryName(p)!)).ToList();

        // Follow type names: a library file joins when an included file names a type it declares.
        var included = new List<SourceFile>(own);
        var pending = new List<SourceFile>(library);
        bool grew;
        do
        {
            grew = false;
            var mentioned = string.Join('\n', included.Select(f => f.CodeOnly));
            foreach (var file in pending.ToList())
            {
                if (file.DeclaredTypes.Any(type => Regex.IsMatch(mentioned, $@"\b{Regex.Escape(type)}\b")))
                {
                    included.Add(file);
                    pending.Remove(file);
                    grew = true;
                }
            }
        }
        while (grew);

        return new FunctionSources(project, included);
    }

    public string Describe() => $"{Project}: {string.Join(", ", Files.Select(f => f.RelativePath))}";

    private static IEnumerable<string> ReferencedProjects(string projectFile)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([projectFile]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Attribute("Include")!.Value));
                if (seen.Add(path))
                {
                    queue.Enqueue(path);
                }
            }
        }

        return seen;
    }

    private static IEnumerable<SourceFile> ReadFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(SourceFile.Read);
}

/// <summary>One C# file: its text without comments, and without comments or string literals (for names in code).</summary>
internal sealed partial class SourceFile
{
    private SourceFile(string relativePath, string withoutComments, string codeOnly)
    {
        RelativePath = relativePath;
        WithoutComments = withoutComments;
        CodeOnly = codeOnly;
        DeclaredTypes = [.. TypeDeclaration().Matches(codeOnly).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];
    }

    public string RelativePath { get; }

    public string WithoutComments { get; }

    public string CodeOnly { get; }

    public IReadOnlyList<string> DeclaredTypes { get; }

    public static SourceFile Read(string path)
    {
        var text = File.ReadAllText(path);
        return new SourceFile(
            Path.GetRelativePath(RepositoryPaths.RepositoryRoot, path),
            Strip(text, keepStrings: true),
            Strip(text, keepStrings: false));
    }

    /// <summary>Removes // and /* */ comments (and, unless <paramref name="keepStrings"/>, the contents of string and
    /// char literals), honouring regular, verbatim (@"") and raw (""" """) strings so that a // inside a string is not a
    /// comment.</summary>
    internal static string Strip(string text, bool keepStrings)
    {
        var output = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                output.Append(' ');
            }
            else if (c == '"' && text.AsSpan(i).StartsWith("\"\"\""))
            {
                var quotes = 0;
                while (i + quotes < text.Length && text[i + quotes] == '"')
                {
                    quotes++;
                }

                var fence = new string('"', quotes);
                var end = text.IndexOf(fence, i + quotes, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + quotes;
                output.Append(keepStrings ? text[i..end] : "\"\"");
                i = end;
            }
            else if (c == '"')
            {
                var verbatim = i > 0 && (text[i - 1] == '@' || (text[i - 1] == '$' && i > 1 && text[i - 2] == '@'));
                var start = i;
                i++;
                while (i < text.Length)
                {
                    if (verbatim && text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i += 2;
                    }
                    else if (!verbatim && text[i] == '\\')
                    {
                        i += 2;
                    }
                    else if (text[i] == '"' || (!verbatim && text[i] == '\n'))
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        i++;
                    }
                }

                output.Append(keepStrings ? text[start..Math.Min(i, text.Length)] : "\"\"");
            }
            else if (c == '\'' && i + 2 < text.Length && (text[i + 2] == '\'' || (text[i + 1] == '\\' && i + 3 < text.Length)))
            {
                var end = text.IndexOf('\'', text[i + 1] == '\\' ? i + 3 : i + 2);
                end = end < 0 ? text.Length : end + 1;
                output.Append(keepStrings ? text[i..end] : "' '");
                i = end;
            }
            else
            {
                output.Append(c);
                i++;
            }
        }

        return output.ToString();
    }

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?:class\s+|struct\s+)?([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();
}
