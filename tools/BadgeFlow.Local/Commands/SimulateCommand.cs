using System.ComponentModel;
using System.Globalization;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Simulator;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>The options of <c>simulate</c>.</summary>
public sealed class SimulateSettings : ToolSettings
{
    [CommandOption("--api-url <URL>")]
    [Description("Base URL of the sensor API, local or a deployed stage (reads go to <URL>reads). Required.")]
    public string? ApiUrlText { get; init; }

    [CommandOption("--api-keys <GROUP=KEY,...>")]
    [Description("API key values by key group, as up prints them (or BADGEFLOW_API_KEYS). Required.")]
    public string? ApiKeysText { get; init; }

    [CommandOption("--attendees <N>")]
    [Description("Simulated attendees (1 to 1,000,000).")]
    [DefaultValue(20_000)]
    public int Attendees { get; init; }

    [CommandOption("--minutes <N>")]
    [Description("Length of the simulated conference in minutes (1 to 1,200).")]
    [DefaultValue(120)]
    public int Minutes { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the simulation: the same seed plays the same conference.")]
    [DefaultValue(2026)]
    public int Seed { get; init; }

    [CommandOption("--rate <READS_PER_SECOND>")]
    [Description("Reads per second; 0 sends as fast as the API answers.")]
    [DefaultValue(0.0)]
    public double Rate { get; init; }

    [CommandOption("--concurrency <N>")]
    [Description("Requests in flight (1 to 64).")]
    [DefaultValue(4)]
    public int Concurrency { get; init; }

    [CommandOption("--batch <N>")]
    [Description("Reads per request (1 to 1,000).")]
    [DefaultValue(500)]
    public int BatchSize { get; init; }

    [CommandOption("--invalid-rate <P>")]
    [Description("Share of malformed reads sent on purpose, which the API must refuse (0 to 0.4).")]
    [DefaultValue(0.0)]
    public double InvalidRate { get; init; }

    [CommandOption("--campus <FILE>")]
    [Description("Campus registry (zones, sensors, key groups); default functions/campus.json of the repository.")]
    public string? CampusFile { get; init; }

    /// <summary>The sensor API's base URL; set by validation.</summary>
    public Uri? ApiUrl { get; private set; }

    /// <summary>API key values by key group; set by validation.</summary>
    public IReadOnlyDictionary<string, string>? ApiKeys { get; private set; }

    public ConferenceOptions Conference => new()
    {
        Attendees = Attendees,
        Duration = TimeSpan.FromMinutes(Minutes),
        Seed = Seed,
        InvalidReadRate = InvalidRate,
    };

    protected override void Check(OptionErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (ApiUrlText is null)
        {
            errors.Add("--api-url is required.");
        }
        else if (Uri.TryCreate(ApiUrlText, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            ApiUrl = uri;
        }
        else
        {
            errors.Add($"--api-url must be an http(s) URL, not '{ApiUrlText}'.");
        }

        var problems = errors.Errors.Count;
        ApiKeys = ApiKeysFrom(ApiKeysText, errors);
        if (ApiKeys is null && errors.Errors.Count == problems)
        {
            errors.Add($"--api-keys group=key,… (or {ApiKeysVariable}) is required: one key per key group.");
        }

        errors.WholeNumber("attendees", Attendees, 1, 1_000_000);
        errors.WholeNumber("minutes", Minutes, 1, 20 * 60);
        errors.Number("rate", Rate, 0, 1_000_000);
        errors.WholeNumber("concurrency", Concurrency, 1, 64);
        errors.WholeNumber("batch", BatchSize, 1, 1000);
        errors.Number("invalid-rate", InvalidRate, 0, 0.4);
    }
}

/// <summary>
/// <c>simulate</c>: the conference alone, against any sensor API (the local one or a deployed stage). The event is placed
/// just behind now, so every read is inside the API's acceptance (not older than 24 h, not ahead of its clock), and sent
/// in time order at the chosen rate.
/// </summary>
public sealed class SimulateCommand(IAnsiConsole console) : AsyncCommand<SimulateSettings>
{
    private readonly TimeProvider _time = TimeProvider.System;

    public override async Task<int> ExecuteAsync(CommandContext context, SimulateSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var terminal = Terminal.For(console, settings.Plain);
        // Validation set both: it refuses a command line without them.
        var apiUrl = settings.ApiUrl ?? throw new InvalidOperationException("simulate ran without a validated --api-url.");
        var apiKeys = settings.ApiKeys ?? throw new InvalidOperationException("simulate ran without validated --api-keys.");
        var registry = CampusRegistry.Load(await File.ReadAllBytesAsync(RepositoryLayout.CampusFile(settings.CampusFile), cancellationToken).ConfigureAwait(false));
        var plan = await terminal.StatusAsync(
            $"Planning a {settings.Conference.Duration.TotalMinutes:0}-minute conference for {settings.Conference.Attendees:N0} attendees (seed {settings.Conference.Seed})",
            () => Task.Run(() => ConferenceSimulator.Plan(SimulatedCampus.From(registry), settings.Conference), cancellationToken)).ConfigureAwait(false);
        var eventStart = EventPlacement.StartBehind(_time.GetUtcNow(), plan.Agenda.Duration, settings.Conference.WindowLength);
        terminal.Line(string.Create(CultureInfo.InvariantCulture,
            $"{plan.Reads.Count:N0} reads for {SensorApiClient.ReadsUrl(apiUrl)}, event {eventStart:yyyy-MM-dd HH:mm}–{eventStart + plan.Agenda.Duration:HH:mm} UTC, rate {(settings.Rate > 0 ? settings.Rate.ToString("N0", CultureInfo.InvariantCulture) + " reads/s" : "unlimited")}"));

        var counters = new SendCounters();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency }) { Timeout = TimeSpan.FromSeconds(60) };
        var sender = new ReadSender(
            new SensorApiClient(http, apiUrl, new SensorKeyring(registry, apiKeys), _time),
            _time,
            new ReadSenderOptions { MaxConcurrency = settings.Concurrency, BatchSize = settings.BatchSize, ReadsPerSecond = settings.Rate },
            counters);
        var playback = new ConferencePlayback(plan, eventStart, sender);
        var started = _time.GetTimestamp();
        Task Nothing(TimeSpan played, CancellationToken ct) => Task.CompletedTask;

        if (terminal.Live)
        {
            await terminal.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("sending reads", maxValue: plan.Reads.Count);
                    await playback.PlayAsync(TimeSpan.FromMinutes(1), Nothing, new Progress<PlaybackProgress>(p =>
                    {
                        task.Value = p.ReadsHandedOver;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"event {p.Played:hh\\:mm}/{p.Duration:hh\\:mm} · accepted {counters.Accepted:N0} · rejected {counters.Rejected:N0}");
                    }), cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        else
        {
            TimeSpan? lastLine = null;
            await playback.PlayAsync(TimeSpan.FromMinutes(1), Nothing, new SynchronousProgress(p =>
            {
                if (lastLine is not { } last || p.Played - last >= TimeSpan.FromMinutes(15) || p.Played == p.Duration)
                {
                    lastLine = p.Played;
                    terminal.Line(string.Create(CultureInfo.InvariantCulture,
                        $"event {p.Played:hh\\:mm}/{p.Duration:hh\\:mm}  sent {counters.Sent:N0}  accepted {counters.Accepted:N0}  rejected {counters.Rejected:N0}  resent {counters.Resent:N0}"));
                }
            }), cancellationToken).ConfigureAwait(false);
        }

        var elapsed = _time.GetElapsedTime(started);
        terminal.Line(string.Create(CultureInfo.InvariantCulture,
            $"sent {counters.Sent:N0}, accepted {counters.Accepted:N0}, rejected {counters.Rejected:N0}, given up {counters.GaveUp:N0} ({counters.Requests:N0} requests, {counters.Resent:N0} reads resent, {counters.Throttled:N0} throttled) in {elapsed.TotalSeconds:0.0} s = {counters.Sent / Math.Max(0.001, elapsed.TotalSeconds):N0} reads/s"));
        return counters.GaveUp == 0 ? CommandLineApp.Ok : CommandLineApp.Failed;
    }

    /// <summary>Progress reported on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<PlaybackProgress> report) : IProgress<PlaybackProgress>
    {
        public void Report(PlaybackProgress value) => report(value);
    }
}
