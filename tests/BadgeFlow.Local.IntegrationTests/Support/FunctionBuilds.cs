using BadgeFlow.Local.Lambda;
using BadgeFlow.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace BadgeFlow.Local.Tests.Support;

/// <summary>
/// The four functions' Release builds the local stack runs, made once per test process rather than by every stack
/// start (each start would otherwise run four `dotnet build`s in turn, 15-30 s of the suite per stack). tools/test.sh
/// has built them already in the same Release build that built these tests, and says so with
/// <see cref="BuiltVariable"/>=1; a plain `dotnet test` of this project builds them here, once.
/// </summary>
public static class FunctionBuilds
{
    /// <summary>Set to 1 by tools/test.sh, whose solution build includes the four function projects in Release.</summary>
    public const string BuiltVariable = "BADGEFLOW_FUNCTIONS_BUILT";

    private static readonly Lazy<Task> Once = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task EnsureBuiltAsync() => Once.Value;

    private static async Task BuildAsync()
    {
        if (Environment.GetEnvironmentVariable(BuiltVariable) == "1")
        {
            return;
        }

        var logs = Directory.CreateTempSubdirectory("badgeflow-function-builds-").FullName;
        await new FunctionBuilder(RepositoryPaths.RepositoryRoot, logs, NullLogger<FunctionBuilder>.Instance)
            .BuildAsync(FunctionBuilder.Functions, CancellationToken.None).ConfigureAwait(false);
        Directory.Delete(logs, recursive: true);
    }
}
