namespace BadgeFlow.Testing;

/// <summary>Finds the repository (the folder holding Functions.sln) from wherever the test assembly runs. Everything the
/// tests read lives inside it.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    /// <summary>A path under the repository, e.g. <c>Repo("events", "transform", "mixed.json")</c>.</summary>
    public static string Repo(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    /// <summary>A path under tests/fixtures/aws-reference: AWS's public sample events, SigV4 vectors and wire samples,
    /// copied into the repository with their sources and licences (PROVENANCE.md there).</summary>
    public static string AwsReference(params string[] parts) =>
        Path.Combine([RepositoryRoot, "tests", "fixtures", "aws-reference", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Functions.sln above {AppContext.BaseDirectory}.");
    }
}
