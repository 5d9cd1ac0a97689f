using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Simulator;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BadgeFlow.Local.Commands;

/// <summary>The <c>badgeflow-local</c> command line: picks the command, parses its options, maps failures to exit codes.</summary>
public static class CommandLineApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public const string Help = """
        badgeflow-local — BadgeFlow's whole pipeline on one machine (no AWS account, no Docker).

        Commands:
          demo       start everything, play a simulated conference fast, show the reports as they are published and a
                     closing account; exits 1 unless lost = 0, at least 8 reports, the truly densest zone in each report's top 3
                     and occupancy wMAPE at most 15%
                       --attendees 20000  --minutes 120  --seed 2026  --speed 60 (simulated seconds per real second)
                       --work .badgeflow/demo (wiped at start)  --dashboard-port 3001  --aws-port 4566  --api-port 3000
                       --producers 2  --invalid-rate 0.0005  --concurrency 4  --campus functions/campus.json  --plain
                       Firehose timing (virtual seconds): --copy-base-seconds 10  --copy-seconds-per-mb 1
                       --cold-warehouse-seconds 30  --copy-backlog-seconds 0
          up         start the services only (AWS endpoint, sensor API, functions, schedule, dashboard) until Ctrl+C
                       --work .badgeflow  --aws-port 4566  --api-port 3000  --dashboard-port 3001  --speed 1  --producers 2
                       --api-keys group=key,… (default: a random key per key group, printed)  --no-build (run the functions as last built)
                       and the Firehose timing options of demo
          simulate   play a simulated conference against any sensor API (local or deployed)
                       --api-url URL  --api-keys group=key,…  --attendees 20000  --minutes 120  --seed 2026
                       --rate 0 (reads/s, 0 = as fast as the API answers)  --concurrency 4  --batch 500
                       --invalid-rate 0  --campus functions/campus.json  --plain
          accuracy   play scenarios in-process (Producer parsing, Transform, DuckDB, the density SQL, the report builder) and
                     compare every report with the simulator's ground truth, today's estimator beside the presence one
                       --attendees 20000  --seeds 3  --seed 2026  --presence-timeout 24  --scenario NAME  --campus FILE
                       --details (each window whose densest zone the report misses, and the crush corridor)
          invoke     run one function with an event file, as `sam local invoke` does, and print its response and logs
                       invoke <Producer|Transform|Aggregator|Schema> --event events/<file>.json  [--work .badgeflow]

        Output is plain lines when stdout is not a terminal (or with --plain). Badge IDs are never printed.
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Help);
            return args.Length == 0 ? Usage : Ok;
        }

        var arguments = new CommandLineArguments(args[1..]);
        try
        {
            // Live widgets need a terminal that understands ANSI; CI pipes and TERM=dumb get plain lines.
            var plain = arguments.Flag("plain") || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Ansi;
            var terminal = new Terminal(AnsiConsole.Console, plain);
            return args[0] switch
            {
                "demo" => await new DemoCommand(DemoSettings.From(arguments), terminal).RunAsync(cancellationToken).ConfigureAwait(false),
                "up" => await new UpCommand(UpSettings.From(arguments), terminal).RunAsync(cancellationToken).ConfigureAwait(false),
                "simulate" => await new SimulateCommand(SimulateSettings.From(arguments), terminal).RunAsync(cancellationToken).ConfigureAwait(false),
                "accuracy" => await new AccuracyCommand(AccuracySettings.From(arguments), terminal).RunAsync(cancellationToken).ConfigureAwait(false),
                "invoke" => await new InvokeCommand(InvokeSettings.From(arguments), terminal).RunAsync(cancellationToken).ConfigureAwait(false),
                _ => throw new UsageException($"Unknown command '{args[0]}'. Commands: demo, up, simulate, accuracy, invoke (--help lists their options)."),
            };
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"badgeflow-local: {e.Message}").ConfigureAwait(false);
            return Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("badgeflow-local: stopped.").ConfigureAwait(false);
            return Failed;
        }
        catch (Exception e) when (e is SensorApiRefusedException or CampusRegistryException)
        {
            // Known refusals say what to fix; a stack trace would only hide that.
            await Console.Error.WriteLineAsync($"badgeflow-local: {e.Message}").ConfigureAwait(false);
            return Failed;
        }
#pragma warning disable CA1031 // The last resort of a command line: report and exit non-zero instead of aborting.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"badgeflow-local: {args[0]} failed: {e}").ConfigureAwait(false);
            return Failed;
        }
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
