using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Simulator;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>The <c>badgeflow-local</c> command line: its commands (Spectre.Console.Cli parses, validates and writes the
/// help) and how failures map to exit codes.</summary>
public static class CommandLineApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public const string Name = "badgeflow-local";

    // Spectre.Console.Cli binds settings by reflection and marks CommandApp RequiresDynamicCode. The tool runs on the JIT
    // (dotnet run, never published AOT), where that reflection works; the members it reads are kept by the annotations
    // of Add below, so this one call is the only exception to the analyzers.
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "The tool runs on the JIT, not Native AOT.")]
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var app = new CommandApp();
        app.Configure(config => Configure(config, args, Console.Error));
        // Without a command the help is printed, and the exit code says the command line was not usable.
        return args.Length == 0
            ? await app.RunAsync(["--help"], cancellationToken).ConfigureAwait(false) is Ok ? Usage : Failed
            : await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every command with its description, and the exit codes; failures are written to
    /// <paramref name="errors"/> (stderr). The tests configure their tester with it.</summary>
    public static void Configure(IConfigurator config, IReadOnlyList<string> args, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(errors);
        config.SetApplicationName(Name);
        config.Settings.Culture = CultureInfo.InvariantCulture;
        // A mistyped option is an error, not an argument silently ignored.
        config.Settings.StrictParsing = true;
        config.CancellationExitCode(Failed);
        config.SetExceptionHandler((exception, _) => Handle(exception, args, errors));

        Add<DemoCommand, DemoSettings>(config, "demo")
            .WithDescription("Start everything, play a simulated conference fast, show the reports as they are published and a closing account. "
                + "Exits 1 unless lost = 0, at least 8 reports, the truly densest zone in each report's top 3 and occupancy wMAPE at most 15 %.")
            .WithExample("demo", "--minutes", "30");
        Add<UpCommand, UpSettings>(config, "up")
            .WithDescription("Start the services only (AWS endpoint, sensor API, functions, schedule, dashboard) until Ctrl+C.")
            .WithExample("up", "--speed", "60", "--api-keys", "venetian=KEY");
        Add<SimulateCommand, SimulateSettings>(config, "simulate")
            .WithDescription("Play a simulated conference against any sensor API (local or deployed).")
            .WithExample("simulate", "--api-url", "http://127.0.0.1:3000/", "--api-keys", "venetian=KEY,mgm=KEY", "--attendees", "2000");
        Add<AccuracyCommand, AccuracySettings>(config, "accuracy")
            .WithDescription("Play scenarios in-process (Producer parsing, Transform, DuckDB, the density SQL, the report builder) and compare "
                + "every report with the simulator's ground truth, today's estimator beside the presence one.")
            .WithExample("accuracy", "--seeds", "1", "--scenario", "crush", "--details");
        Add<InvokeCommand, InvokeSettings>(config, "invoke")
            .WithDescription("Run one function with an event file, as sam local invoke does, and print its response (stdout) and logs (stderr).")
            .WithExample("invoke", "Aggregator", "--event", "events/aggregator/backfill.json");
    }

    /// <summary>
    /// Registers a command. Spectre.Console.Cli 0.57 declares no DynamicallyAccessedMembers on AddCommand, yet reflects on
    /// the command's constructors (to create it, injecting the console) and on the settings' properties and their option
    /// attributes: the annotations keep exactly those should the tool ever be trimmed.
    /// </summary>
    private static ICommandConfigurator Add<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCommand,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] TSettings>(
        IConfigurator config, string name)
        where TCommand : class, ICommand<TSettings>
        where TSettings : CommandSettings =>
        config.AddCommand<TCommand>(name);

    /// <summary>Every failure ends here, on stderr: a wrong command line exits 2, anything else 1.</summary>
    private static int Handle(Exception exception, IReadOnlyList<string> args, TextWriter errors)
    {
        switch (exception)
        {
            case CommandAppException:
                errors.WriteLine($"{Name}: {NameTheOption(exception, args)}");
                return Usage;
            case UsageException:
                errors.WriteLine($"{Name}: {exception.Message}");
                return Usage;
            case OperationCanceledException:
                errors.WriteLine($"{Name}: stopped.");
                return Failed;
            case SensorApiRefusedException or CampusRegistryException:
                // Known refusals say what to fix; a stack trace would only hide that.
                errors.WriteLine($"{Name}: {exception.Message}");
                return Failed;
            default:
                errors.WriteLine($"{Name}: {args.FirstOrDefault()} failed: {exception}");
                return Failed;
        }
    }

    /// <summary>
    /// Spectre's conversion error ("Failed to convert 'abc' to Int32.") names the value, not the option: put the option
    /// the value was given to in front of it (<c>--minutes abc</c> or <c>--minutes=abc</c>).
    /// </summary>
    internal static string NameTheOption(Exception exception, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(args);
        const string Prefix = "Failed to convert '";
        var message = exception.Message;
        var end = message.StartsWith(Prefix, StringComparison.Ordinal) ? message.IndexOf("' to ", Prefix.Length, StringComparison.Ordinal) : -1;
        if (end < 0)
        {
            return message;
        }

        var value = message[Prefix.Length..end];
        var options = args
            .Select((arg, i) => arg.StartsWith("--", StringComparison.Ordinal) && arg.EndsWith("=" + value, StringComparison.Ordinal)
                ? arg[..^(value.Length + 1)]
                : i > 0 && arg == value && args[i - 1].StartsWith("--", StringComparison.Ordinal) ? args[i - 1] : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return options.Length == 0 ? message : $"{string.Join(", ", options)}: {message}";
    }

    /// <summary>Structured JSON log lines on stderr, so stdout stays the command's own output (tables, account).</summary>
    internal static ILoggerFactory Logging(LogLevel minimum) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimum)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddJsonConsole(json =>
        {
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        })
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
