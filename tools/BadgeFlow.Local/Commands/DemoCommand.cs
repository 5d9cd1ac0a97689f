using System.Collections.Concurrent;
using System.ComponentModel;
using BadgeFlow.Domain.Density;
using System.Globalization;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Dashboard;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Simulator;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>The options of <c>demo</c>.</summary>
public sealed class DemoSettings : StackSettings
{
    private const string DefaultWorkingDirectory = ".badgeflow/demo";

    [CommandOption("--attendees <N>")]
    [Description("Simulated attendees (1 to 1,000,000).")]
    [DefaultValue(20_000)]
    public int Attendees { get; init; }

    [CommandOption("--minutes <N>")]
    [Description("Length of the simulated conference in minutes (15 to 1,200).")]
    [DefaultValue(120)]
    public int Minutes { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the simulation: the same seed plays the same conference.")]
    [DefaultValue(2026)]
    public int Seed { get; init; }

    [CommandOption("--speed <X>")]
    [Description("Simulated seconds per real second (1 to 10,000).")]
    [DefaultValue(60.0)]
    public double Speed { get; init; }

    [CommandOption("--invalid-rate <P>")]
    [Description("Share of malformed reads sent on purpose, which the API must refuse (0 to 0.4).")]
    [DefaultValue(0.0005)]
    public double InvalidRate { get; init; }

    [CommandOption("--work <DIR>")]
    [Description("Working directory, wiped at the start (the demo wipes only a directory it made).")]
    [DefaultValue(DefaultWorkingDirectory)]
    public string WorkingDirectory { get; init; } = DefaultWorkingDirectory;

    [CommandOption("--concurrency <N>")]
    [Description("Requests to the sensor API in flight (1 to 64).")]
    [DefaultValue(4)]
    public int Concurrency { get; init; }

    public ConferenceOptions Conference => new()
    {
        Attendees = Attendees,
        Duration = TimeSpan.FromMinutes(Minutes),
        Seed = Seed,
        InvalidReadRate = InvalidRate,
    };

    protected override void Check(OptionErrors errors)
    {
        base.Check(errors);
        errors.WholeNumber("attendees", Attendees, 1, 1_000_000);
        errors.WholeNumber("minutes", Minutes, 15, 20 * 60);
        errors.Number("speed", Speed, 1, 10_000);
        errors.Number("invalid-rate", InvalidRate, 0, 0.4);
        errors.WholeNumber("concurrency", Concurrency, 1, 64);
    }
}

/// <summary>
/// <c>demo</c>: the whole pipeline, a simulated conference played fast, the reports as they are published, and a closing
/// account that must show nothing lost and reports that see the crowds the simulator made.
/// </summary>
public sealed class DemoCommand(IAnsiConsole console) : AsyncCommand<DemoSettings>
{
    /// <summary>Marks a working directory as the demo's own, so a rerun may wipe it and nothing else.</summary>
    private const string Marker = ".badgeflow-demo";

    // Firehose buffering plus COPY, as the Aggregator's default DELIVERY_LAG_MINUTES: the last report runs this long
    // after the last window closes.
    private static readonly TimeSpan DeliveryLag = TimeSpan.FromMinutes(7);

    // How far Firehose's due processing and the schedule may lag behind the virtual clock while the event plays.
    private static readonly TimeSpan MaxLag = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _realTime = TimeProvider.System;

    public override async Task<int> ExecuteAsync(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var terminal = Terminal.For(console, settings.Plain);
        var started = _realTime.GetTimestamp();
        var registry = CampusRegistry.Load(await File.ReadAllBytesAsync(RepositoryLayout.CampusFile(settings.CampusFile), cancellationToken).ConfigureAwait(false));
        var campus = SimulatedCampus.From(registry);
        var plan = await terminal.StatusAsync(
            $"Planning a {settings.Conference.Duration.TotalMinutes:0}-minute conference for {settings.Conference.Attendees:N0} attendees on {campus.Zones.Count} zones (seed {settings.Conference.Seed})",
            () => Task.Run(() => ConferenceSimulator.Plan(campus, settings.Conference), cancellationToken)).ConfigureAwait(false);
        terminal.Line(string.Create(CultureInfo.InvariantCulture,
            $"{plan.Reads.Count:N0} reads planned ({plan.Reads.Count - plan.ValidReads:N0} malformed and {plan.Reads.Count(r => r.Has(SimulatedReadKind.Unmapped)):N0} from unregistered sensors, on purpose: the API refuses both), {plan.Agenda.Slots.Count} windows"));

        var window = settings.Conference.WindowLength;
        var eventStart = EventPlacement.StartBehind(_realTime.GetUtcNow(), plan.Agenda.Duration, window);
        var work = PrepareWorkingDirectory(settings.WorkingDirectory);
        using var loggers = CommandLineApp.Logging(LogLevel.Warning);
        var stackOptions = new LocalStackOptions
        {
            WorkingDirectory = work,
            AwsPort = settings.AwsPort,
            SensorApiPort = settings.ApiPort,
            ProducerInstances = settings.Producers,
            Speed = 0, // the demo moves virtual time itself, only once every read before that moment is settled
            VirtualStart = eventStart,
            SimulatedDuration = plan.Agenda.Duration,
            RunSchedule = true,
            Firehose = settings.Firehose,
            FunctionTimeScale = settings.Speed,
            LoggerFactory = loggers,
            CampusFile = RepositoryLayout.CampusFile(settings.CampusFile),
        };
        await using var stack = await terminal.StatusAsync(
            "Starting the local stack (building the functions, starting the endpoint, sensor API and function processes)",
            () => LocalStack.StartAsync(stackOptions, cancellationToken)).ConfigureAwait(false);

        var feed = new DashboardFeed(DashboardCampus.From(registry));
        await using var dashboard = await DashboardServer.StartAsync(feed, settings.DashboardPort, cancellationToken).ConfigureAwait(false);
        terminal.Line($"Sensor API {stack.SensorApiUrl}reads · AWS endpoint {stack.EndpointUrl} · dashboard {dashboard.Url} · working directory {work}");
        terminal.Line(string.Create(CultureInfo.InvariantCulture,
            $"Event {eventStart:yyyy-MM-dd HH:mm}–{eventStart + plan.Agenda.Duration:HH:mm} UTC, played at {settings.Speed:0.#}× (reports at :07, :22, :37, :52 of event time)"));

        var counters = new SendCounters();
        var view = new DemoView(terminal, counters, _realTime);
        view.EventStarts(eventStart);
        // Per window its latest revision (what the verdict judges), and every revision seen (the completeness line).
        var reports = new ConcurrentDictionary<DateTimeOffset, DashboardReport>();
        var revisions = new ConcurrentQueue<SeenRevision>();
        using var subscription = stack.PublishedMessages.Subscribe(new PublishedReportObserver(stack.TopicArn, report =>
        {
            reports.AddOrUpdate(report.WindowStart, report, (_, known) => (report.Revision ?? 1) >= (known.Revision ?? 1) ? report : known);
            // SNS stamps messages on the real clock; the delay that matters is on the event's (virtual) one. The topic
            // tells observers synchronously, inside the Publish, so the virtual clock now is the moment of publishing.
            revisions.Enqueue(new SeenRevision(
                report.WindowStart, report.Revision ?? 1, report.Provisional ?? false, report.Reads ?? 0, stack.Clock.GetUtcNow()));
            feed.Publish(report);
            view.Report(report);
        }));
        var acceptance = new WindowAcceptance(window, stack.Clock);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency }) { Timeout = TimeSpan.FromSeconds(60) };
        var sender = new ReadSender(
            new SensorApiClient(http, stack.SensorApiUrl, new SensorKeyring(registry, stack.ApiKeys.ToDictionary(k => k.Group, k => k.Value, StringComparer.Ordinal)), _realTime),
            _realTime,
            new ReadSenderOptions { MaxConcurrency = settings.Concurrency },
            counters,
            acceptance);
        var playback = new ConferencePlayback(plan, eventStart, sender);
        var playStarted = _realTime.GetTimestamp();

        await view.ShowWhileAsync(async () =>
        {
            view.Phase("playing the conference");
            // While a minute's reads are sent the clock stands at that minute's end: API Gateway's receive time
            // (requestTimeEpoch, the Producer's receivedAt) is then never before a read's readAt, as on AWS, and the
            // last reads of a window carry its end, so the Aggregator's watermark can reach it.
            var minute = TimeSpan.FromMinutes(1);
            var duration = plan.Agenda.Duration;
            stack.Clock.AdvanceTo(eventStart + (minute < duration ? minute : duration));
            await playback.PlayAsync(
                minute,
                async (played, ct) =>
                {
                    stack.Clock.AdvanceTo(eventStart + (played + minute < duration ? played + minute : duration));

                    await KeepUpAsync(stack, reports, ct).ConfigureAwait(false);

                    // Keep to the chosen speed when the pipeline is faster; when it is slower the event simply plays slower.
                    var due = TimeSpan.FromTicks((long)(played.Ticks / settings.Speed)) - _realTime.GetElapsedTime(playStarted);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, _realTime, ct).ConfigureAwait(false);
                    }
                },
                new Progress(view),
                cancellationToken).ConfigureAwait(false);

            // After the last read, time keeps running at the playing speed through Firehose's buffers and COPYs: the
            // schedule publishes the last window at its mark with what was delivered by then, then the clock runs on
            // until Firehose has delivered the rest (counted in the closing account, not in that report).
            view.Phase("delivering what Firehose holds and publishing the last reports");
            var step = TimeSpan.FromTicks((long)(TimeSpan.FromMilliseconds(20).Ticks * settings.Speed));
            var mark = eventStart + plan.Agenda.Duration + DeliveryLag; // the last window's mark
            await RunClockToAsync(stack, reports, mark, step, cancellationToken).ConfigureAwait(false);
            await stack.Schedule!.RunDueAsync(cancellationToken).ConfigureAwait(false);

            // Marks after the event: each run re-checks the last windows, so a late load is corrected as it would be
            // on AWS. The clock runs mark by mark until a run starts with nothing left in Firehose (bounded).
            view.Phase("re-checking the last windows at the next marks");
            var giveUpAt = mark + TimeSpan.FromHours(6);
            long pending;
            do
            {
                mark += window;
                await RunClockToAsync(stack, reports, mark, step, cancellationToken).ConfigureAwait(false);
                pending = stack.UndeliveredRecords;
                await stack.Schedule!.RunDueAsync(cancellationToken).ConfigureAwait(false);
            }
            while (pending > 0 && mark < giveUpAt);

            await stack.DrainAsync(step, TimeSpan.FromHours(6), cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

        var played = _realTime.GetElapsedTime(playStarted);
        var snapshot = stack.Counters.Snapshot();
        var loaded = CountLoaded(stack);
        var account = new ClosingAccount(
            counters.Sent, counters.Accepted, counters.Rejected, counters.GaveUp,
            snapshot.ReadsIntoFirehose, loaded, snapshot.ReadsFailed, snapshot.ReadsDropped, snapshot.ReadsBuffered);
        var verdict = DemoVerdict.Judge(
            account, plan, eventStart,
            reports.ToDictionary(
                r => r.Key,
                r => (IReadOnlyList<ReportedZone>)r.Value.Zones.OrderBy(z => z.Rank)
                    .Select(z => new ReportedZone(z.ZoneId, z.Occupancy, z.Severity == "CRITICAL")).ToArray()),
            reports.Count, EventWindows(plan.Agenda.Duration, window), SeverityThresholds.Default) with
        {
            Completeness = CompletenessAccount.Of(plan.Crowds.Select(c => eventStart + c.Start), window, acceptance, revisions),
        };

        ClosingAccountView.Write(terminal, verdict, snapshot.ReadsLoaded, played, _realTime.GetElapsedTime(started));
        return verdict.Passed ? CommandLineApp.Ok : CommandLineApp.Failed;
    }

    /// <summary>The demo fails with fewer reports than the event has windows (a two-hour event has eight): every window
    /// of the event must have been reported.</summary>
    internal static int EventWindows(TimeSpan duration, TimeSpan window) => (int)Math.Ceiling(duration / window);

    /// <summary>Moves the paused virtual clock to <paramref name="until"/> by <paramref name="step"/> every 20 ms of real
    /// time: the playing speed, so Firehose and the schedule see time pass as during the event, and waits as the
    /// playing does when they fall behind (<see cref="KeepUpAsync"/>).</summary>
    private async Task RunClockToAsync(
        LocalStack stack, IReadOnlyDictionary<DateTimeOffset, DashboardReport> reports, DateTimeOffset until, TimeSpan step, CancellationToken cancellationToken)
    {
        while (stack.Clock.GetUtcNow() < until)
        {
            var next = stack.Clock.GetUtcNow() + step;
            stack.Clock.AdvanceTo(next < until ? next : until);
            await Task.Delay(TimeSpan.FromMilliseconds(20), _realTime, cancellationToken).ConfigureAwait(false);
            await KeepUpAsync(stack, reports, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Faster than this machine can process, the clock would run ahead of Firehose and report windows whose reads are
    /// still waiting for Transform, and ahead of the schedule, whose runs would queue: on AWS both keep up. The clock
    /// waits instead while Firehose's due processing lags more than <see cref="MaxLag"/> behind it, or while a
    /// scheduled run more than that overdue has not published its window's report. Once it has, its re-checks of
    /// earlier windows go on while the clock moves (on AWS they take the seconds after the report), up to the next mark.
    /// </summary>
    private async Task KeepUpAsync(LocalStack stack, IReadOnlyDictionary<DateTimeOffset, DashboardReport> reports, CancellationToken cancellationToken)
    {
        while (stack.FirehoseProcessingLag > MaxLag || ReportOverdue(stack, reports))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _realTime, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool ReportOverdue(LocalStack stack, IReadOnlyDictionary<DateTimeOffset, DashboardReport> reports)
    {
        var schedule = stack.Schedule!;
        if (schedule.Lag <= MaxLag)
        {
            return false;
        }

        var owed = schedule.NextWindowStart;
        var nextMark = schedule.MarkOf(owed + schedule.Window);
        return !reports.ContainsKey(owed) || stack.Clock.GetUtcNow() > nextMark + MaxLag;
    }

    /// <summary>Rows in the warehouse (a fresh one per demo): the loaded count comes from the table, not a counter.</summary>
    private static long CountLoaded(LocalStack stack)
    {
        var result = stack.Warehouse.Execute("SELECT count(*) AS n FROM badge_reads", []);
        return result.Records[0][0].LongValue
            ?? throw new InvalidOperationException("The warehouse did not return a row count for badge_reads.");
    }

    /// <summary>A fresh working directory per demo, so the account counts this run only.</summary>
    private static string PrepareWorkingDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            if (!File.Exists(Path.Combine(full, Marker)))
            {
                throw new UsageException($"{full} is not empty and was not made by the demo: choose another --work.");
            }

            Directory.Delete(full, recursive: true);
        }

        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, Marker), "Working directory of `badgeflow-local demo`; wiped at the start of each demo.\n");
        return full;
    }

    private sealed class Progress(DemoView view) : IProgress<PlaybackProgress>
    {
        public void Report(PlaybackProgress value) => view.Progress(value);
    }
}
