namespace BadgeFlow.Testing;

/// <summary>Finds the repository (the folder holding Functions.sln) and the read-only shared/ folder beside it, from
/// wherever the test assembly runs.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    /// <summary>A path under the repository, e.g. <c>Repo("events", "transform", "mixed.json")</c>.</summary>
    public static string Repo(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    /// <summary>A path under ../shared (DESIGN.md, reference samples); fails with a clear message when it is missing.</summary>
    public static string Shared(params string[] parts)
    {
        var shared = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        if (!Directory.Exists(shared))
        {
            throw new DirectoryNotFoundException(
                $"The shared folder was not found at {shared}: the tests read AWS reference samples from ../shared beside the repository.");
        }

        return Path.Combine([shared, .. parts]);
    }

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
