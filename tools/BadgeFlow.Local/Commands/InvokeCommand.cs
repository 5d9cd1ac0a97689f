using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Lambda;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Commands;

public sealed record InvokeSettings
{
    public required string Function { get; init; }

    public required string EventFile { get; init; }

    public string WorkingDirectory { get; init; } = Path.Combine(".badgeflow", "invoke");

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public static InvokeSettings From(CommandLineArguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Positionals.Count != 1)
        {
            throw new UsageException("invoke takes one function name: invoke <Producer|Transform|Aggregator|Schema> --event <file>.");
        }

        var settings = new InvokeSettings
        {
            Function = a.Positionals[0],
            EventFile = a.RequiredString("event"),
            WorkingDirectory = a.String("work", Path.Combine(".badgeflow", "invoke")),
            Timeout = TimeSpan.FromSeconds(a.Int32("timeout", 60, 1, 900)),
        };
        a.ThrowIfUnknown();
        if (!File.Exists(settings.EventFile))
        {
            throw new UsageException($"The event file {settings.EventFile} does not exist.");
        }

        return settings;
    }
}

/// <summary>
/// <c>invoke</c>: one function, one event, as <c>sam local invoke</c> does but without Docker. The function runs as its
/// own process behind a Lambda Runtime API, with the services it calls on a private endpoint (free ports, its own working
/// directory), so it can run beside <c>up</c>. Prints the response (stdout) and the function's log lines.
/// </summary>
public sealed class InvokeCommand(InvokeSettings settings, Terminal terminal)
{
    private static readonly string[] Functions = ["Producer", "Transform", "Aggregator", "Schema"];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var function = Functions.FirstOrDefault(f => string.Equals(f, settings.Function, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"Unknown function '{settings.Function}': one of {string.Join(", ", Functions)}.");
        var payload = await File.ReadAllBytesAsync(settings.EventFile, cancellationToken).ConfigureAwait(false);
        try
        {
            using var _ = JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            throw new UsageException($"The event file {settings.EventFile} is not JSON: {e.Message}");
        }

        using var loggers = CommandLineApp.Logging(LogLevel.Warning);
        var options = new LocalStackOptions
        {
            WorkingDirectory = settings.WorkingDirectory,
            AwsPort = 0,
            SensorApiPort = 0,
            ProducerInstances = 1,
            RunSchedule = false,
            LoggerFactory = loggers,
            FunctionTimeout = settings.Timeout,
        };
        // stdout carries only the response, so `invoke … | jq` works; progress goes to stderr with the logs.
        await Console.Error.WriteLineAsync($"Starting {function} and the services it calls…").ConfigureAwait(false);
        await using var stack = await LocalStack.StartAsync(options, cancellationToken).ConfigureAwait(false);

        // The function's log file grows from here: what it writes after this point belongs to this invocation.
        var logs = Path.Combine(stack.WorkingDirectory, "logs");
        var before = LogSizes(logs, function);
        var result = await stack.Functions.InvokeAsync(function, payload, settings.Timeout, cancellationToken).ConfigureAwait(false);

        await Console.Error.WriteLineAsync($"--- {function} logs ---").ConfigureAwait(false);
        foreach (var (file, offset) in LogSizes(logs, function).Select(f => (f.Key, before.GetValueOrDefault(f.Key))))
        {
            await Console.Error.WriteAsync(await ReadFromAsync(file, offset, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync($"--- REPORT RequestId: {result.RequestId} Duration: {result.Duration.TotalMilliseconds:0.00} ms ---").ConfigureAwait(false);
        terminal.Line(result.Succeeded ? Pretty(result.Payload) : Pretty(result.ErrorJson));
        return result.Succeeded ? CommandLineApp.Ok : CommandLineApp.Failed;
    }

    private static Dictionary<string, long> LogSizes(string folder, string function) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, function + "-*.log").ToDictionary(f => f, f => new FileInfo(f).Length, StringComparer.Ordinal)
            : new Dictionary<string, long>(StringComparer.Ordinal);

    private static async Task<string> ReadFromAsync(string file, long offset, CancellationToken cancellationToken)
    {
        // The process may still be writing: share the file and read what is there.
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Pretty(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return "null";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, InvokeJsonContext.Default.JsonElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class InvokeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
