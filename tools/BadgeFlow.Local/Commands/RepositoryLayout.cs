namespace BadgeFlow.Local.Commands;

/// <summary>Finds the BadgeFlow checkout the tool runs from: the folder holding Functions.sln.</summary>
public static class RepositoryLayout
{
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new UsageException(
            $"Functions.sln was not found above {Directory.GetCurrentDirectory()}: run badgeflow-local from the BadgeFlow repository.");
    }

    /// <summary>The campus file given, or the repository's functions/campus.json.</summary>
    public static string CampusFile(string? given)
    {
        var path = given ?? Path.Combine(FindRoot(), "functions", "campus.json");
        return File.Exists(path) ? Path.GetFullPath(path) : throw new UsageException($"The campus file {path} does not exist.");
    }
}
