using BadgeFlow.Local.Commands;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Testing;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Testing;

namespace BadgeFlow.Local.Tests.Commands;

/// <summary>
/// The command line as Spectre.Console.Cli parses it with the tool's own configuration. Expected option names, defaults
/// and messages are those of the hand-written parser it replaced (scripts, README and docs use them). No command runs:
/// help is printed before a command would, a refused command line stops at validation, and the defaults are read
/// through <see cref="SettingsProbe{TSettings}"/>, which parses into the real settings class and does nothing.
/// </summary>
public sealed class CommandLineTests
{
    public static TheoryData<string, string[]> OptionsByCommand => new()
    {
        { "demo", ["--attendees", "--minutes", "--seed", "--speed", "--work", "--dashboard-port", "--aws-port", "--api-port", "--producers",
            "--invalid-rate", "--concurrency", "--campus", "--plain", "--copy-base-seconds", "--copy-seconds-per-mb",
            "--cold-warehouse-seconds", "--copy-backlog-seconds"] },
        { "up", ["--work", "--aws-port", "--api-port", "--dashboard-port", "--speed", "--producers", "--api-keys", "--no-build", "--campus",
            "--copy-base-seconds", "--copy-seconds-per-mb", "--cold-warehouse-seconds", "--copy-backlog-seconds"] },
        { "simulate", ["--api-url", "--api-keys", "--attendees", "--minutes", "--seed", "--rate", "--concurrency", "--batch", "--invalid-rate",
            "--campus", "--plain"] },
        { "accuracy", ["--attendees", "--seeds", "--seed", "--presence-timeout", "--scenario", "--campus", "--details"] },
        { "invoke", ["<FUNCTION>", "--event", "--work", "--timeout"] },
    };

    [Fact]
    public async Task Help_App_ListsEveryCommand()
    {
        var (result, _) = await RunAsync("--help");

        Assert.Equal(CommandLineApp.Ok, result.ExitCode);
        Assert.All(new[] { "demo", "up", "simulate", "accuracy", "invoke" }, command => Assert.Contains("    " + command + " ", result.Output, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OptionsByCommand))]
    public async Task Help_Command_ListsItsOptions(string command, string[] options)
    {
        var (result, _) = await RunAsync(command, "--help");

        Assert.Equal(CommandLineApp.Ok, result.ExitCode);
        Assert.Contains($"badgeflow-local {command}", result.Output, StringComparison.Ordinal);
        Assert.All(options, option => Assert.Contains(option, result.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_Demo_ShowsTheDefaults()
    {
        var (result, _) = await RunAsync("demo", "--help");

        // The option's row holds its default (help columns: option, default, description).
        Assert.Matches(@"--minutes <N>\s+120\s", result.Output);
        Assert.Matches(@"--speed <X>\s+60\s", result.Output);
        Assert.Matches(@"--work <DIR>\s+\.badgeflow/demo\s", result.Output);
    }

    [Fact]
    public void Parse_DemoWithoutOptions_TodaysDefaults()
    {
        var settings = Probe<DemoSettings>("demo");

        Assert.Equal(20_000, settings.Conference.Attendees);
        Assert.Equal(TimeSpan.FromMinutes(120), settings.Conference.Duration);
        Assert.Equal(2026, settings.Conference.Seed);
        Assert.Equal(0.0005, settings.Conference.InvalidReadRate);
        Assert.Equal(60, settings.Speed);
        Assert.Equal(Path.Combine(".badgeflow", "demo"), settings.WorkingDirectory);
        Assert.Equal((4566, 3000, 3001), (settings.AwsPort, settings.ApiPort, settings.DashboardPort));
        Assert.Equal(2, settings.Producers);
        Assert.Equal(4, settings.Concurrency);
        Assert.Null(settings.CampusFile);
        Assert.False(settings.Plain);
        // As documented for --copy-base-seconds 10 --copy-seconds-per-mb 1 --cold-warehouse-seconds 30 --copy-backlog-seconds 0,
        // which are the timing record's own defaults.
        Assert.Equal(
            (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.Zero),
            (settings.Firehose.CopyBase, settings.Firehose.CopyPerMiB, settings.Firehose.ColdWarehouse, settings.Firehose.CopyBacklog));
        Assert.Equal(new FirehoseTiming(), settings.Firehose);
    }

    [Fact]
    public void Parse_UpWithoutOptions_TodaysDefaults()
    {
        var settings = Probe<UpSettings>("up");

        Assert.Equal(".badgeflow", settings.WorkingDirectory);
        Assert.Equal((4566, 3000, 3001), (settings.AwsPort, settings.ApiPort, settings.DashboardPort));
        Assert.Equal(1, settings.Speed);
        Assert.Equal(2, settings.Producers);
        Assert.False(settings.NoBuild);
        Assert.Equal(new FirehoseTiming(), settings.Firehose);
    }

    [Fact]
    public void Parse_SimulateWithUrlAndKeys_TodaysDefaults()
    {
        var settings = Probe<SimulateSettings>("simulate", "--api-url", "http://127.0.0.1:3000/", "--api-keys", "venetian=k1,mgm=k2");

        Assert.Equal(new Uri("http://127.0.0.1:3000/"), settings.ApiUrl);
        Assert.Equal(new Dictionary<string, string> { ["venetian"] = "k1", ["mgm"] = "k2" }, settings.ApiKeys);
        Assert.Equal(20_000, settings.Conference.Attendees);
        Assert.Equal(TimeSpan.FromMinutes(120), settings.Conference.Duration);
        Assert.Equal(2026, settings.Conference.Seed);
        Assert.Equal(0, settings.Conference.InvalidReadRate);
        Assert.Equal(0, settings.Rate);
        Assert.Equal(4, settings.Concurrency);
        Assert.Equal(500, settings.BatchSize);
    }

    [Fact]
    public void Parse_AccuracyWithoutOptions_TodaysDefaults()
    {
        var settings = Probe<AccuracySettings>("accuracy");

        Assert.Equal(20_000, settings.Attendees);
        Assert.Equal(3, settings.Seeds);
        Assert.Equal(2026, settings.FirstSeed);
        Assert.Equal(TimeSpan.FromMinutes(24), settings.PresenceTimeout);
        Assert.Null(settings.Scenario);
        Assert.False(settings.Details);
    }

    [Fact]
    public void Parse_InvokeFunctionInAnyCase_TheFunctionsNameAndDefaults()
    {
        var settings = Probe<InvokeSettings>("invoke", "aggregator", "--event", RepositoryPaths.Repo("events", "aggregator", "schedule.json"));

        Assert.Equal("Aggregator", settings.FunctionName);
        Assert.Equal(Path.Combine(".badgeflow", "invoke"), settings.WorkingDirectory);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Timeout);
    }

    [Fact]
    public void Parse_ValuesInBothSpellings_Read()
    {
        var settings = Probe<DemoSettings>("demo", "--minutes=30", "--seed", "-7", "--speed", "600", "--copy-backlog-seconds=12.5", "--plain");

        Assert.Equal(TimeSpan.FromMinutes(30), settings.Conference.Duration);
        Assert.Equal(-7, settings.Conference.Seed);
        Assert.Equal(600, settings.Speed);
        Assert.Equal(TimeSpan.FromSeconds(12.5), settings.Firehose.CopyBacklog);
        Assert.True(settings.Plain);
    }

    [Theory]
    [InlineData("demo", "--minutes", "5", "--minutes must be a whole number from 15 to 1200, not '5'.")]
    [InlineData("demo", "--speed", "0", "--speed must be a number from 1 to 10000, not '0'.")]
    [InlineData("demo", "--invalid-rate", "0.5", "--invalid-rate must be a number from 0 to 0.4, not '0.5'.")]
    [InlineData("demo", "--producers", "17", "--producers must be a whole number from 1 to 16, not '17'.")]
    [InlineData("up", "--aws-port", "65536", "--aws-port must be a whole number from 0 to 65535, not '65536'.")]
    [InlineData("up", "--cold-warehouse-seconds", "-1", "--cold-warehouse-seconds must be a number from 0 to 86400, not '-1'.")]
    [InlineData("accuracy", "--seeds", "21", "--seeds must be a whole number from 1 to 20, not '21'.")]
    [InlineData("accuracy", "--attendees", "99", "--attendees must be a whole number from 100 to 200000, not '99'.")]
    [InlineData("accuracy", "--presence-timeout", "0", "--presence-timeout must be a whole number from 1 to 240, not '0'.")]
    public async Task Validate_OutOfRange_UsageErrorNamingTheOption(string command, string option, string value, string expected)
    {
        var (result, errors) = await RunAsync(command, option, value);

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Equal($"badgeflow-local: {expected}", errors.Trim());
    }

    [Fact]
    public async Task Validate_SeveralOutOfRange_ListsThemAll()
    {
        var (result, errors) = await RunAsync("demo", "--minutes", "5", "--speed", "0", "--aws-port", "70000");

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Contains("--minutes must be", errors, StringComparison.Ordinal);
        Assert.Contains("--speed must be", errors, StringComparison.Ordinal);
        Assert.Contains("--aws-port must be", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--minutes", "abc")]
    [InlineData("--minutes=abc", null)]
    public async Task Parse_MalformedNumber_UsageErrorNamingTheOption(string first, string? second)
    {
        var (result, errors) = second is null ? await RunAsync("demo", first) : await RunAsync("demo", first, second);

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.StartsWith("badgeflow-local: --minutes: ", errors, StringComparison.Ordinal);
        Assert.Contains("'abc'", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_MistypedOption_UsageErrorNamingIt()
    {
        var (result, errors) = await RunAsync("demo", "--minuts", "30");

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Contains("minuts", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SimulateWithoutUrlOrKeys_BothRequired()
    {
        // The keys may come from the environment instead; this test needs it unset.
        Assert.Null(Environment.GetEnvironmentVariable(ToolSettings.ApiKeysVariable));

        var (result, errors) = await RunAsync("simulate");

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Contains("--api-url is required.", errors, StringComparison.Ordinal);
        Assert.Contains("--api-keys group=key,… (or BADGEFLOW_API_KEYS) is required", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SimulateBadUrlAndRepeatedGroup_BothListedWithoutTheKeys()
    {
        var (result, errors) = await RunAsync("simulate", "--api-url", "ftp://example.com/", "--api-keys", "venetian=first-secret,venetian=second-secret");

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Contains("--api-url must be an http(s) URL, not 'ftp://example.com/'.", errors, StringComparison.Ordinal);
        Assert.Contains("--api-keys: ", errors, StringComparison.Ordinal);
        Assert.Contains("'venetian'", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_InvokeUnknownFunctionAndMissingEvent_BothListed()
    {
        var (result, errors) = await RunAsync("invoke", "Reporter", "--event", "events/no-such.json");

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Contains("Unknown function 'Reporter': one of Producer, Transform, Aggregator, Schema.", errors, StringComparison.Ordinal);
        Assert.Contains("The event file events/no-such.json does not exist.", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_InvokeWithoutEvent_UsageErrorNamingIt()
    {
        var (result, errors) = await RunAsync("invoke", "Producer");

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Contains("event", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_UnknownCommand_UsageError()
    {
        var (result, errors) = await RunAsync("deploy");

        Assert.Equal(CommandLineApp.Usage, result.ExitCode);
        Assert.Contains("deploy", errors, StringComparison.Ordinal);
    }

    /// <summary>
    /// The tool's own configuration on a test console; stderr's lines are returned beside the result. The token is
    /// cancelled already: should validation ever let a command line through, the command stops at its first await
    /// (exit 1, "stopped.") instead of starting the stack inside a unit test.
    /// </summary>
    private static async Task<(CommandAppResult Result, string Errors)> RunAsync(params string[] args)
    {
        using var errors = new StringWriter();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var app = new CommandAppTester();
        app.Configure(config => CommandLineApp.Configure(config, args, errors));
        var result = await app.RunAsync(args, cancelled.Token);
        return (result, errors.ToString());
    }

    /// <summary>The settings the command line parses into, through the same validation, with no command run.</summary>
    private static TSettings Probe<TSettings>(params string[] args)
        where TSettings : CommandSettings
    {
        using var errors = new StringWriter();
        var app = new CommandAppTester();
        app.Configure(config =>
        {
            CommandLineApp.Configure(config, args, errors);
            config.AddCommand<SettingsProbe<TSettings>>("probe");
        });
        var result = app.Run(["probe", .. args[1..]]);
        Assert.True(result.ExitCode == CommandLineApp.Ok, errors.ToString());
        return Assert.IsType<TSettings>(result.Settings);
    }

    private sealed class SettingsProbe<TSettings> : Command<TSettings>
        where TSettings : CommandSettings
    {
        public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken) => CommandLineApp.Ok;
    }
}
