using System.Globalization;
using System.Text.RegularExpressions;
using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing;

namespace BadgeFlow.Template.Tests;

/// <summary>
/// `sam build` with BuildMethod makefile runs `make build-&lt;LogicalId&gt; ARTIFACTS_DIR=…` in the CodeUri folder.
/// Every function is built for real once per test run (`make bootstraps`, which runs these targets); the target pattern
/// is also asserted on the Makefile's text.
/// </summary>
public sealed class FunctionBuildTests
{
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

    [Fact]
    public void GlibcVersionParse_ObjdumpLines_ReadsEveryVersion()
    {
        // Sample lines of `objdump -T` (binutils 2.40), versions compared numerically: 2.4 < 2.17 < 2.34.
        const string Sample = """
            0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.2.5) memcpy
            0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.17) clock_gettime
            0000000000000000      DF *UND*  0000000000000000  GLIBC_2.34  __libc_start_main
            """;

        var versions = GlibcSymbols.Versions(Sample);

        Assert.Equal([new Version(2, 2, 5), new Version(2, 17), new Version(2, 34)], versions);
        Assert.Equal(new Version(2, 34), versions.Max());
        Assert.Equal("2.34", string.Create(CultureInfo.InvariantCulture, $"{versions.Max()!.Major}.{versions.Max()!.Minor}"));
    }
}
