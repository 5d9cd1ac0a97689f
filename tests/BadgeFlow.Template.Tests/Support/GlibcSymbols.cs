using System.Text.RegularExpressions;

namespace BadgeFlow.Template.Tests.Support;

/// <summary>The glibc symbol versions a native binary needs, as <c>objdump -T</c> lists them.</summary>
internal static partial class GlibcSymbols
{
    /// <summary>Lambda's managed dotnet10 runtime runs on Amazon Linux 2023.</summary>
    public static readonly Version NewestOnLambda = new(2, 34);

    /// <summary>Every <c>GLIBC_x.y[.z]</c> in <paramref name="objdumpOutput"/>, in order of appearance.</summary>
    public static List<Version> Versions(string objdumpOutput) =>
        [.. GlibcVersion().Matches(objdumpOutput).Select(m => Version.Parse(m.Groups[1].Value))];

    [GeneratedRegex(@"GLIBC_([0-9]+(?:\.[0-9]+)+)")]
    private static partial Regex GlibcVersion();
}
