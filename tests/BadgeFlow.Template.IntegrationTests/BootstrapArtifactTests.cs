using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing.Runtime;

namespace BadgeFlow.Template.Tests;

/// <summary>What `make bootstraps` (tools/test.sh, before the integration tests) left for each function: what SAM would
/// package.</summary>
[Trait("Category", "Integration")]
public sealed class BootstrapArtifactTests
{
    public static TheoryData<string> Functions() => SamApplication.Functions();

    /// <summary>tools/test.sh runs <c>make bootstraps</c>, which runs each <c>build-&lt;LogicalId&gt;</c> target as SAM does
    /// (from the repository root, with ARTIFACTS_DIR set): what it left is what SAM would package.</summary>
    [Theory]
    [MemberData(nameof(Functions))]
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
        var versions = GlibcSymbols.Versions(symbols.StandardOutput);
        Assert.NotEmpty(versions);
        var newest = versions.Max()!;
        Assert.True(newest <= GlibcSymbols.NewestOnLambda, $"{functionId} needs GLIBC_{newest.ToString(2)}; Lambda's dotnet10 runtime offers {GlibcSymbols.NewestOnLambda.ToString(2)}.");
    }
}
