using System.Globalization;
using System.Text.RegularExpressions;
using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Runtime;

namespace BadgeFlow.Template.Tests;

/// <summary>
/// `sam build` with BuildMethod makefile runs `make build-&lt;LogicalId&gt; ARTIFACTS_DIR=…` in the CodeUri folder.
/// Every function is built for real once per test run (`make bootstraps`, which runs these targets); the target pattern
/// is also asserted on the Makefile's text.
/// </summary>
public sealed partial class FunctionBuildTests
{
    /// <summary>Lambda's managed dotnet10 runtime runs on Amazon Linux 2023.</summary>
    private static readonly Version NewestGlibc = new(2, 34);

    public static TheoryData<string> Functions() => SamApplication.Functions();

    [Theory]
    [MemberData(nameof(Functions))]
    public void Makefile_EachFunction_HasTheTargetSamRunsPublishingItsProject(string functionId)
    {
        var makefile = File.ReadAllText(RepositoryPaths.Repo("Makefile"));
        var project = SamApplication.ProjectOf(functionId);

        var target = Regex.Match(makefile, $@"^build-{functionId}:\s*\n\t\$\(call publish-function,{Regex.Escape(project)}\)\s*$", RegexOptions.Multiline);

        Assert.True(target.Success, $"Makefile needs `build-{functionId}:` running `$(call publish-function,{project})`.");
        Assert.True(File.Exists(RepositoryPaths.Repo("functions", project, project + ".csproj")));
    }

    [Fact]
    public void Makefile_PublishRecipe_PublishesNativeAotForLinuxX64AndCopiesOnlyBootstrap()
    {
        var makefile = File.ReadAllText(RepositoryPaths.Repo("Makefile"));

        Assert.Contains("$(DOTNET) publish \"functions/$(1)/$(1).csproj\" -c $(CONFIGURATION) -r $(RUNTIME)", makefile, StringComparison.Ordinal);
        Assert.Contains("RUNTIME ?= linux-x64", makefile, StringComparison.Ordinal);
        Assert.Contains("cp \"$(PUBLISH_ROOT)/$(1)/bootstrap\" \"$(ARTIFACTS_DIR)/bootstrap\"", makefile, StringComparison.Ordinal);
    }

    /// <summary>tools/test.sh runs <c>make bootstraps</c>, which runs each <c>build-&lt;LogicalId&gt;</c> target as SAM does
    /// (from the repository root, with ARTIFACTS_DIR set): what it left is what SAM would package.</summary>
    [Theory]
    [MemberData(nameof(Functions))]
    [Trait("Category", "Integration")]
    public async Task MakeTarget_EachFunction_LeftOnlyAnExecutableBootstrapThatNeedsNoGlibcAbove234(string functionId)
    {
        var objdump = ExternalProcess.Require("objdump", "install binutils (apt-get install binutils).");
        var bootstrap = NativeBootstraps.Path(functionId);
        var artifacts = new DirectoryInfo(Path.GetDirectoryName(bootstrap)!);

        Assert.Equal(["bootstrap"], artifacts.GetFiles().Select(f => f.Name));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(bootstrap).HasFlag(UnixFileMode.UserExecute), "bootstrap is not executable.");
        }

        var header = new byte[4];
        await using (var stream = File.OpenRead(bootstrap))
        {
            await stream.ReadExactlyAsync(header);
        }

        Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }, header);

        var symbols = await ExternalProcess.RunAsync(objdump, ["-T", bootstrap], artifacts.FullName, TimeSpan.FromMinutes(1));
        Assert.True(symbols.ExitCode == 0, symbols.Describe());
        var versions = GlibcVersion().Matches(symbols.StandardOutput)
            .Select(m => Version.Parse(m.Groups[1].Value))
            .ToList();
        Assert.NotEmpty(versions);
        var newest = versions.Max()!;
        Assert.True(newest <= NewestGlibc, $"{functionId} needs GLIBC_{newest.ToString(2)}; Lambda's dotnet10 runtime offers {NewestGlibc.ToString(2)}.");
    }

    [Fact]
    public void GlibcVersionParse_ObjdumpLines_ReadsEveryVersion()
    {
        // Sample lines of `objdump -T` (binutils 2.40), versions compared numerically: 2.4 < 2.17 < 2.34.
        const string Sample = """
            0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.2.5) memcpy
            0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.17) clock_gettime
            0000000000000000      DF *UND*  0000000000000000  GLIBC_2.34  __libc_start_main
            """;

        var versions = GlibcVersion().Matches(Sample).Select(m => Version.Parse(m.Groups[1].Value)).ToList();

        Assert.Equal([new Version(2, 2, 5), new Version(2, 17), new Version(2, 34)], versions);
        Assert.Equal(new Version(2, 34), versions.Max());
        Assert.Equal("2.34", string.Create(CultureInfo.InvariantCulture, $"{versions.Max()!.Major}.{versions.Max()!.Minor}"));
    }

    [GeneratedRegex(@"GLIBC_([0-9]+(?:\.[0-9]+)+)")]
    private static partial Regex GlibcVersion();
}
