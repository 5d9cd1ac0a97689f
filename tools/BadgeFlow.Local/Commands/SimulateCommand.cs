using System.Globalization;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Simulator;
using Spectre.Console;

namespace BadgeFlow.Local.Commands;

public sealed record SimulateSettings
{
    public required Uri ApiUrl { get; init; }

    /// <summary>API key values by key group (<c>--api-keys group=key,…</c>, as <c>up</c> prints them).</summary>
    public required IReadOnlyDictionary<string, string> ApiKeys { get; init; }

    public required ConferenceOptions Conference { get; init; }

    public double Rate { get; init; }

    public int Concurrency { get; init; } = 4;

    public int BatchSize { get; init; } = 500;

    public string? CampusFile { get; init; }

    public static SimulateSettings From(CommandLineArguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var settings = new SimulateSettings
        {
            ApiUrl = a.Url("api-url"),
            ApiKeys = SensorKeyring.Parse(a.String("api-keys") ?? Environment.GetEnvironmentVariable("BADGEFLOW_API_KEYS")
                ?? throw new UsageException("--api-keys group=key,… (or BADGEFLOW_API_KEYS) is required: one key per key group.")),
            Conference = new ConferenceOptions
            {
                Attendees = a.Int32("attendees", 20_000, 1, 1_000_000),
                Duration = TimeSpan.FromMinutes(a.Int32("minutes", 120, 1, 20 * 60)),
                Seed = a.Int32("seed", 2026, int.MinValue, int.MaxValue),
                InvalidReadRate = a.Double("invalid-rate", 0, 0, 0.4),
            },
            Rate = a.Double("rate", 0, 0, 1_000_000),
            Concurrency = a.Int32("concurrency", 4, 1, 64),
            BatchSize = a.Int32("batch", 500, 1, 1000),
            CampusFile = a.String("campus"),
        };
        a.ThrowIfUnknown();
        return settings;
    }
}

/// <summary>
/// <c>simulate</c>: the conference alone, against any sensor API (the local one or a deployed stage). The event is placed
/// just behind now, so every read is inside the API's acceptance (not older than 24 h, not ahead of its clock), and sent
/// in time order at the chosen rate.
/// </summary>
public sealed class SimulateCommand(SimulateSettings settings, Terminal terminal)
{
    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var registry = CampusRegistry.Load(await File.ReadAllBytesAsync(RepositoryLayout.CampusFile(settings.CampusFile), cancellationToken).ConfigureAwait(false));
        var plan = await terminal.StatusAsync(
            $"Planning a {settings.Conference.Duration.TotalMinutes:0}-minute conference for {settings.Conference.Attendees:N0} attendees (seed {settings.Conference.Seed})",
            () => Task.Run(() => ConferenceSimulator.Plan(SimulatedCampus.From(registry), settings.Conference), cancellationToken)).ConfigureAwait(false);
        var eventStart = EventPlacement.StartBehind(_time.GetUtcNow(), plan.Agenda.Duration, settings.Conference.WindowLength);
        terminal.Line(string.Create(CultureInfo.InvariantCulture,
            $"{plan.Reads.Count:N0} reads for {SensorApiClient.ReadsUrl(settings.ApiUrl)}, event {eventStart:yyyy-MM-dd HH:mm}–{eventStart + plan.Agenda.Duration:HH:mm} UTC, rate {(settings.Rate > 0 ? settings.Rate.ToString("N0", CultureInfo.InvariantCulture) + " reads/s" : "unlimited")}"));

        var counters = new SendCounters();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency }) { Timeout = TimeSpan.FromSeconds(60) };
        var sender = new ReadSender(
            new SensorApiClient(http, settings.ApiUrl, new SensorKeyring(registry, settings.ApiKeys), _time),
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
