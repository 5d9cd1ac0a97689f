using System.Diagnostics;
using System.Text.Json;

namespace BadgeFlow.Local.Tests.Support;

/// <summary>Runs the AWS CLI installed on this machine against the local endpoint, with dummy credentials and no user
/// configuration, so the tests see exactly what a developer's `aws --endpoint-url …` sees.</summary>
public sealed class AwsCli
{
    private readonly Uri _endpoint;
    private readonly string _home;

    public AwsCli(Uri endpoint, string home)
    {
        _endpoint = endpoint;
        _home = home;
    }

    public static string Executable { get; } = Find();

    /// <summary>Runs a command that must succeed; returns its JSON output (an empty object when it printed nothing).</summary>
    public async Task<JsonElement> RunAsync(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TryRunAsync(arguments);
        Assert.True(exitCode == 0, $"aws {string.Join(' ', arguments)} exited {exitCode}: {stderr}");
        if (string.IsNullOrWhiteSpace(stdout))
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }

        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> TryRunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--endpoint-url", _endpoint.ToString().TrimEnd('/'), "--region", "us-east-1", "--output", "json" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in new[] { "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE" })
        {
            start.Environment.Remove(variable);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = "test";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "test";
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(_home, "aws-config");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_home, "aws-credentials");
        start.Environment["AWS_PAGER"] = string.Empty;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "aws");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "The AWS CLI (`aws`) was not found on PATH: the local endpoint tests drive it as a developer would. Install it (e.g. `pip install awscli`).");
    }
}
