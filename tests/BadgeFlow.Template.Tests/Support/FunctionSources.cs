using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BadgeFlow.Testing;

namespace BadgeFlow.Template.Tests.Support;

/// <summary>How a function reads a setting through <c>EnvironmentSettings</c>.</summary>
internal enum SettingKind
{
    /// <summary><c>Required("X")</c> or <c>Uri("X", required: true)</c>: the function fails to start without it.</summary>
    Required,

    /// <summary><c>Optional("X")</c>: may be unset (e.g. one of two alternatives).</summary>
    Optional,

    /// <summary>Read with a default (<c>Optional("X", d)</c>, <c>Int32("X", d)</c>, <c>Double</c>, <c>Choice</c>, <c>Enum</c>,
    /// <c>Uri</c>), or directly with <c>Environment.GetEnvironmentVariable</c> (LOG_LEVEL, read before settings exist).</summary>
    Defaulted,
}

internal sealed record SettingRead(string Variable, SettingKind Kind, string File);

internal sealed record ClientCall(string Method, string Action, string File);

/// <summary>
/// The C# a deployed function runs: its own project and the types it uses from the libraries it references (found by
/// following type names from its own files through the libraries' files, so a library type the function never names,
/// such as another function's settings reader, does not count). Comments are removed before anything is read, so a
/// doc-comment example is not mistaken for code.
/// </summary>
internal sealed partial class FunctionSources
{
    /// <summary>The thin AWS clients' operations (BadgeFlow.Aws) and the IAM action each one needs.</summary>
    public static readonly IReadOnlyDictionary<string, string> ActionByClientMethod = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PutRecordBatchAsync"] = "firehose:PutRecordBatch",
        ["PutRecordAsync"] = "firehose:PutRecord",
        ["ExecuteStatementAsync"] = "redshift-data:ExecuteStatement",
        ["BatchExecuteStatementAsync"] = "redshift-data:BatchExecuteStatement",
        ["DescribeStatementAsync"] = "redshift-data:DescribeStatement",
        ["GetStatementResultAsync"] = "redshift-data:GetStatementResult",
        ["CancelStatementAsync"] = "redshift-data:CancelStatement",
        ["PublishAsync"] = "sns:Publish",
        ["GetSecureStringAsync"] = "ssm:GetParameter",
        ["GetParameterAsync"] = "ssm:GetParameter",
    };

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

    /// <summary>Every <c>EnvironmentSettings</c> (or direct <c>GetEnvironmentVariable</c>) read, with constant names (<c>const string X = "NAME"</c>) resolved.</summary>
    public IReadOnlyList<SettingRead> SettingReads()
    {
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            foreach (Match constant in StringConstant().Matches(file.WithoutComments))
            {
                constants[constant.Groups[1].Value] = constant.Groups[2].Value;
            }
        }

        var reads = new List<SettingRead>();
        foreach (var file in Files)
        {
            foreach (Match call in SettingsCall().Matches(file.WithoutComments))
            {
                var variable = call.Groups["literal"].Success
                    ? call.Groups["literal"].Value
                    : constants.GetValueOrDefault(call.Groups["identifier"].Value.Split('.')[^1]);
                if (variable is null || !EnvironmentVariableName().IsMatch(variable))
                {
                    continue;
                }

                var method = call.Groups["method"].Value;
                var rest = file.WithoutComments.Substring(call.Index + call.Length, Math.Min(160, file.WithoutComments.Length - call.Index - call.Length));
                var argumentsEnd = rest.IndexOf(';', StringComparison.Ordinal);
                var arguments = argumentsEnd < 0 ? rest : rest[..argumentsEnd];
                var kind = method switch
                {
                    "Required" => SettingKind.Required,
                    "Uri" when RequiredTrue().IsMatch(arguments) => SettingKind.Required,
                    "Optional" when arguments.TrimStart().StartsWith(')') => SettingKind.Optional,
                    _ => SettingKind.Defaulted,
                };
                reads.Add(new SettingRead(variable, kind, file.RelativePath));
            }
        }

        return reads;
    }

    /// <summary>Calls of the AWS clients' operations (<c>x.PutRecordBatchAsync(</c>, not their declarations) that the
    /// function can reach: anywhere in its own project, and in a library method only when that method is called from
    /// the function's code or from another reachable library method (a shared statement runner's batch path does not
    /// count for a function that only queries).</summary>
    public IReadOnlyList<ClientCall> ClientCalls()
    {
        var own = Files.Where(f => f.RelativePath.StartsWith($"functions{Path.DirectorySeparatorChar}{Project}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToHashSet();
        var called = new HashSet<string>(own.SelectMany(f => CalledNames(f.CodeOnly)), StringComparer.Ordinal);
        var libraryMethods = Files.Where(f => !own.Contains(f)).SelectMany(f => f.Methods).ToList();
        var reachable = new HashSet<MethodSpan>();
        bool grew;
        do
        {
            grew = false;
            foreach (var method in libraryMethods.Where(m => !reachable.Contains(m) && called.Contains(m.Name)))
            {
                reachable.Add(method);
                called.UnionWith(CalledNames(method.File.CodeOnly[method.Start..method.End]));
                grew = true;
            }
        }
        while (grew);

        var calls = new List<ClientCall>();
        foreach (var file in Files)
        {
            foreach (Match call in MemberCall().Matches(file.CodeOnly))
            {
                if (!ActionByClientMethod.TryGetValue(call.Groups[1].Value, out var action))
                {
                    continue;
                }

                var enclosing = file.Methods.Where(m => m.Start <= call.Index && call.Index < m.End).MaxBy(m => m.Start);
                if (own.Contains(file) || enclosing is null || reachable.Contains(enclosing))
                {
                    calls.Add(new ClientCall(call.Groups[1].Value, action, file.RelativePath));
                }
            }
        }

        return calls;
    }

    private static IEnumerable<string> CalledNames(string code) => CallName().Matches(code).Select(m => m.Groups[1].Value);

    /// <summary>Whether <paramref name="text"/> is a string literal in the function's code, or the start of one followed
    /// by '_' (as in <c>"AWS_ENDPOINT_URL_" + service</c>, which also reads the plain name).</summary>
    public bool HasStringLiteral(string text) =>
        Files.Any(f => f.WithoutComments.Contains('"' + text + '"', StringComparison.Ordinal)
                       || f.WithoutComments.Contains('"' + text + '_', StringComparison.Ordinal));

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

    [GeneratedRegex(@"\b(?:const|static\s+readonly)\s+string\s+(\w+)\s*=\s*""([^""]*)""")]
    private static partial Regex StringConstant();

    [GeneratedRegex("""\.\s*(?<method>Required|Optional|Int32|Double|Choice|Enum\s*<[^>]*>|Uri|GetEnvironmentVariable)\s*\(\s*(?:name\s*:\s*)?(?:"(?<literal>[^"]+)"|(?<identifier>[A-Za-z_][\w.]*))""")]
    private static partial Regex SettingsCall();

    [GeneratedRegex(@"required\s*:\s*true|,\s*true\s*\)")]
    private static partial Regex RequiredTrue();

    [GeneratedRegex("^[A-Z][A-Z0-9_]+$")]
    private static partial Regex EnvironmentVariableName();

    [GeneratedRegex(@"\.\s*([A-Z]\w*Async)\s*(?:<[^>()]*>)?\s*\(")]
    private static partial Regex MemberCall();

    [GeneratedRegex(@"\b([A-Za-z_]\w*)\s*(?:<[^<>()]*>)?\s*\(")]
    private static partial Regex CallName();
}

internal sealed record MethodSpan(string Name, int Start, int End, SourceFile File);

/// <summary>One C# file: its text without comments, and without comments or string literals (for names in code).</summary>
internal sealed partial class SourceFile
{
    private SourceFile(string relativePath, string withoutComments, string codeOnly)
    {
        RelativePath = relativePath;
        WithoutComments = withoutComments;
        CodeOnly = codeOnly;
        DeclaredTypes = [.. TypeDeclaration().Matches(codeOnly).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];
        Methods = FindMethods();
    }

    public string RelativePath { get; }

    public string WithoutComments { get; }

    public string CodeOnly { get; }

    public IReadOnlyList<string> DeclaredTypes { get; }

    /// <summary>Methods, constructors and local functions with a body, as spans of <see cref="CodeOnly"/>.</summary>
    public IReadOnlyList<MethodSpan> Methods { get; }

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

    private List<MethodSpan> FindMethods()
    {
        var methods = new List<MethodSpan>();
        var code = CodeOnly;
        foreach (Match declaration in MethodDeclaration().Matches(code))
        {
            var close = Matching(code, declaration.Index + declaration.Length - 1, '(', ')');
            if (close < 0)
            {
                continue;
            }

            // Past the parameter list: constraints or a constructor initializer, then a block, an arrow or a ';'.
            var i = close + 1;
            while (i < code.Length && code[i] != '{' && code[i] != ';' && !(code[i] == '=' && i + 1 < code.Length && code[i + 1] == '>'))
            {
                i = code[i] == '(' ? Matching(code, i, '(', ')') + 1 : i + 1;
                if (i <= 0)
                {
                    break;
                }
            }

            if (i <= 0 || i >= code.Length || code[i] == ';')
            {
                continue;
            }

            int end;
            if (code[i] == '{')
            {
                end = Matching(code, i, '{', '}');
            }
            else
            {
                end = i;
                var depth = 0;
                while (end < code.Length && !(code[end] == ';' && depth == 0))
                {
                    depth += code[end] is '(' or '{' or '[' ? 1 : code[end] is ')' or '}' or ']' ? -1 : 0;
                    end++;
                }
            }

            if (end > i)
            {
                methods.Add(new MethodSpan(declaration.Groups[1].Value, declaration.Index, Math.Min(end + 1, code.Length), this));
            }
        }

        return methods;
    }

    /// <summary>Index of the bracket closing the one at <paramref name="open"/>, or -1.</summary>
    private static int Matching(string code, int open, char opening, char closing)
    {
        var depth = 0;
        for (var i = open; i < code.Length; i++)
        {
            if (code[i] == opening)
            {
                depth++;
            }
            else if (code[i] == closing && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?:class\s+|struct\s+)?([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"(?:\b(?:public|private|internal|protected|static|async|override|virtual|sealed|extern|unsafe|partial)\s+)+(?:[\w<>\[\]?,.()\s]+?\s+)?(\w+)\s*(?:<[^<>()]*>)?\s*\(")]
    private static partial Regex MethodDeclaration();
}
