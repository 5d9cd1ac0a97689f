namespace BadgeFlow.Testing.Runtime;

/// <summary>The four functions as they ship: the Native AOT <c>bootstrap</c> each <c>make build-&lt;LogicalId&gt;</c> target
/// leaves (the targets <c>sam build</c> runs), built once per test run by <c>make bootstraps</c> in tools/test.sh.</summary>
public static class NativeBootstraps
{
    /// <summary>Overrides the folder (default: artifacts/bootstraps in the repository, the Makefile's BOOTSTRAPS_DIR).</summary>
    public const string DirectoryVariable = "BADGEFLOW_BOOTSTRAPS_DIR";

    /// <summary>The template's logical ids of the functions, each a folder under the bootstraps folder.</summary>
    public static IReadOnlyList<string> FunctionIds { get; } = ["ProducerFunction", "TransformFunction", "AggregatorFunction", "SchemaFunction"];

    /// <summary>The bootstrap of <paramref name="functionId"/>; a clear error says how to build it when it is missing.</summary>
    public static string Path(string functionId)
    {
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured
            ? configured
            : RepositoryPaths.Repo("artifacts", "bootstraps");
        var bootstrap = System.IO.Path.Combine(directory, functionId, "bootstrap");
        return File.Exists(bootstrap)
            ? bootstrap
            : throw new FileNotFoundException(
                $"{bootstrap} is missing: the native bootstraps are built once per run by `make bootstraps` (tools/test.sh runs it before the integration tests).",
                bootstrap);
    }
}
