using System.ComponentModel;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Lambda;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>The arguments and options of <c>invoke</c>.</summary>
public sealed class InvokeSettings : ToolSettings
{
    private const string DefaultWorkingDirectory = ".badgeflow/invoke";

    public static IReadOnlyList<string> Functions { get; } = ["Producer", "Transform", "Aggregator", "Schema"];

    [CommandArgument(0, "<FUNCTION>")]
    [Description("Producer, Transform, Aggregator or Schema (any case).")]
    public string Function { get; init; } = "";

    [CommandOption("--event <FILE>", isRequired: true)]
    [Description("The event, as sam local invoke takes it (events/*.json).")]
    public string EventFile { get; init; } = "";

    [CommandOption("--work <DIR>")]
    [Description("Working directory of the services the function calls.")]
    [DefaultValue(DefaultWorkingDirectory)]
    public string WorkingDirectory { get; init; } = DefaultWorkingDirectory;

    [CommandOption("--timeout <SECONDS>")]
    [Description("The function's timeout (1 to 900), as the template's Timeout.")]
    [DefaultValue(60)]
    public int TimeoutSeconds { get; init; }

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>The function's name as the stack knows it (the argument in any case); set by validation.</summary>
    public string? FunctionName { get; private set; }

    protected override void Check(OptionErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        FunctionName = Functions.FirstOrDefault(f => string.Equals(f, Function, StringComparison.OrdinalIgnoreCase));
        if (FunctionName is null)
        {
            errors.Add($"Unknown function '{Function}': one of {string.Join(", ", Functions)}.");
        }

        if (!File.Exists(EventFile))
        {
            errors.Add($"The event file {EventFile} does not exist.");
        }

        errors.WholeNumber("timeout", TimeoutSeconds, 1, 900);
    }
}

/// <summary>
/// <c>invoke</c>: one function, one event, as <c>sam local invoke</c> does but without Docker. The function runs as its
/// own process behind a Lambda Runtime API, with the services it calls on a private endpoint (free ports, its own working
/// directory), so it can run beside <c>up</c>. Prints the response (stdout) and the function's log lines.
/// </summary>
public sealed class InvokeCommand(IAnsiConsole console) : AsyncCommand<InvokeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, InvokeSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var terminal = Terminal.For(console, settings.Plain);
        var function = settings.FunctionName ?? throw new UsageException($"Unknown function '{settings.Function}'.");
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
        terminal.Line(result.Succeeded ? Pretty(result.Payload is { } response ? Encoding.UTF8.GetString(response) : null) : Pretty(result.ErrorJson));
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
