using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Lambda;

/// <summary>Builds the function projects (<c>dotnet build -c Release</c>) so the stack runs the code in the repository,
/// and says where each assembly is.</summary>
public sealed partial class FunctionBuilder
{
    public static readonly IReadOnlyList<string> Functions = ["Producer", "Transform", "Aggregator", "Schema"];

    private readonly string _repositoryRoot;
    private readonly string _logDirectory;
    private readonly ILogger _logger;

    public FunctionBuilder(string repositoryRoot, string logDirectory, ILogger<FunctionBuilder> logger)
    {
        _repositoryRoot = repositoryRoot;
        _logDirectory = logDirectory;
        _logger = logger;
    }

    public string ProjectPath(string function) => Path.Combine(_repositoryRoot, "functions", $"BadgeFlow.{function}", $"BadgeFlow.{function}.csproj");

    public string AssemblyPath(string function) =>
        Path.Combine(_repositoryRoot, "functions", $"BadgeFlow.{function}", "bin", "Release", "net10.0", $"BadgeFlow.{function}.dll");

    /// <summary>Builds each function in turn; throws naming the function and the build log when one fails.</summary>
    public async Task BuildAsync(IEnumerable<string> functions, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_logDirectory);
        foreach (var function in functions)
        {
            var log = Path.Combine(_logDirectory, $"build-{function}.log");
            LogBuilding(_logger, function);
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = _repositoryRoot,
            };
            foreach (var argument in new[] { "build", ProjectPath(function), "-c", "Release", "--nologo", "-v", "q", "-clp:NoSummary" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C during the build: take the build and its MSBuild nodes down with us rather than orphan them.
                process.Kill(entireProcessTree: true);
                throw;
            }

            var text = new StringBuilder().Append(await output.ConfigureAwait(false)).Append(await errors.ConfigureAwait(false)).ToString();
            await File.WriteAllTextAsync(log, text, cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0 || !File.Exists(AssemblyPath(function)))
            {
                var tail = string.Join(Environment.NewLine, text.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(10));
                throw new InvalidOperationException($"Building {function} failed (dotnet build exit {process.ExitCode}); see {log}.{Environment.NewLine}{tail}");
            }
        }
    }

    /// <summary>The folder holding Functions.sln: from <paramref name="explicitRoot"/>, else upwards from the current
    /// directory, else upwards from the tool's own folder.</summary>
    public static string FindRepositoryRoot(string? explicitRoot)
    {
        if (explicitRoot is not null)
        {
            return File.Exists(Path.Combine(explicitRoot, "Functions.sln"))
                ? Path.GetFullPath(explicitRoot)
                : throw new DirectoryNotFoundException($"{explicitRoot} holds no Functions.sln.");
        }

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

        throw new DirectoryNotFoundException("Functions.sln was not found above the current directory or the tool; run from the repository or pass its path.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Building {FunctionName} (dotnet build -c Release)")]
    private static partial void LogBuilding(ILogger logger, string functionName);
}
