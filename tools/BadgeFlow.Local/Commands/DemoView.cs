using System.Globalization;
using BadgeFlow.Local.Dashboard;
using BadgeFlow.Local.Simulator;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BadgeFlow.Local.Commands;

/// <summary>
/// What the demo shows while it plays: progress, the densest zones of the latest report, the reports so far. On a
/// terminal one live panel redraws in place; in a pipe each report and each quarter hour of play is one plain line.
/// </summary>
public sealed class DemoView(Terminal terminal, SendCounters counters, TimeProvider realTime)
{
    private readonly Lock _gate = new();
    private readonly List<DashboardReport> _reports = [];
    private readonly long _started = realTime.GetTimestamp();
    private PlaybackProgress _progress;
    private DateTimeOffset _eventStart;
    private string _phase = "starting";
    private TimeSpan? _lastPlainLine;

    public void Phase(string phase)
    {
        lock (_gate)
        {
            _phase = phase;
        }

        if (!terminal.Live)
        {
            terminal.Line(phase);
        }
    }

    public void EventStarts(DateTimeOffset eventStart)
    {
        lock (_gate)
        {
            _eventStart = eventStart;
        }
    }

    public void Progress(PlaybackProgress progress)
    {
        bool print;
        lock (_gate)
        {
            _progress = progress;
            print = _lastPlainLine is not { } last || progress.Played - last >= TimeSpan.FromMinutes(15) || progress.Played == progress.Duration;
            if (print)
            {
                _lastPlainLine = progress.Played;
            }
        }

        if (!terminal.Live && print)
        {
            terminal.Line(ProgressLine(progress));
        }
    }

    public void Report(DashboardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            _reports.Add(report);
        }

        if (!terminal.Live)
        {
            var top = string.Join(", ", report.Top.Take(3).Select(id =>
            {
                var z = report.Zones.FirstOrDefault(r => r.ZoneId == id);
                return z is null ? id : string.Create(CultureInfo.InvariantCulture, $"{id} {z.Density:0.00} p/m² {z.Level}");
            }));
            terminal.Line($"report {Window(report)}  {report.Severity,-8}{Revision(report)}  densest: {top}");
        }
    }

    /// <summary>Runs <paramref name="work"/> with the live panel redrawing a few times a second (terminal only).</summary>
    public async Task<T> ShowWhileAsync<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!terminal.Live)
        {
            return await work().ConfigureAwait(false);
        }

        T result = default!;
        await terminal.Console.Live(Render()).AutoClear(false).StartAsync(async ctx =>
        {
            var task = work();
            while (!task.IsCompleted)
            {
                ctx.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(250), realTime)).ConfigureAwait(false);
            }

            ctx.UpdateTarget(Render());
            result = await task.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    private string ProgressLine(PlaybackProgress p)
    {
        var rate = counters.Sent / Math.Max(0.001, realTime.GetElapsedTime(_started).TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"played {p.Played:hh\\:mm} of {p.Duration:hh\\:mm}  sent {counters.Sent:N0}  accepted {counters.Accepted:N0}  rejected {counters.Rejected:N0}  resent {counters.Resent:N0}  {rate:N0} reads/s");
    }

    private IRenderable Render()
    {
        lock (_gate)
        {
            var p = _progress;
            var fraction = p.Duration > TimeSpan.Zero ? p.Played / p.Duration : 0;
            var bar = new BreakdownChart().Width(60).HideTags()
                .AddItem("played", Math.Max(0.0001, fraction), Color.Green)
                .AddItem("to play", Math.Max(0.0001, 1 - fraction), Color.Grey23);
            var header = new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{_phase} · event {_eventStart:yyyy-MM-dd HH:mm} UTC · {ProgressLine(p)} · {_reports.Count} reports")));
            var latest = _reports.Count == 0 ? null : _reports.MaxBy(r => r.WindowStart);
            var densest = new Table().Border(TableBorder.Rounded).Expand()
                .Title(latest is null ? "Densest zones (waiting for the first report)" : $"Densest zones · window {Window(latest)} · {latest.Severity}")
                .AddColumns("#", "zone", "venue", "p/m²", "LoS", "util.", "present", "Δ");
            foreach (var id in latest?.Top.Take(10) ?? [])
            {
                var z = latest!.Zones.FirstOrDefault(r => r.ZoneId == id);
                if (z is null)
                {
                    continue;
                }

                densest.AddRow(
                    new Text(z.Rank.ToString(CultureInfo.InvariantCulture)),
                    new Text(z.Name ?? z.ZoneId),
                    new Text(z.Venue ?? ""),
                    new Text(z.Density.ToString("0.00", CultureInfo.InvariantCulture)),
                    new Markup($"[{LevelColour(z.Level)}]{Markup.Escape(z.Level)}[/]"),
                    new Text(z.Utilisation.ToString("P0", CultureInfo.InvariantCulture)),
                    new Text(z.Occupancy.ToString("N0", CultureInfo.InvariantCulture)),
                    new Text(z.OccupancyChange is { } d ? d.ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture) : ""));
            }

            var published = new Table().Border(TableBorder.Simple).AddColumns("window", "severity", "densest zone");
            foreach (var r in _reports.OrderBy(r => r.WindowStart).TakeLast(10))
            {
                published.AddRow(Window(r), r.Severity + Revision(r), r.Top.FirstOrDefault() ?? "");
            }

            return new Rows(header, bar, densest, published);
        }
    }

    private static string LevelColour(string level) => level switch
    {
        "A" => "green",
        "B" => "chartreuse3",
        "C" => "yellow",
        "D" => "orange1",
        "E" => "red",
        _ => "maroon",
    };

    /// <summary>" PROVISIONAL", " CORRECTION r2" or both; empty for a complete first report.</summary>
    internal static string Revision(DashboardReport r) =>
        (r.Revision is > 1 ? string.Create(CultureInfo.InvariantCulture, $" CORRECTION r{r.Revision}") : string.Empty)
        + (r.Provisional == true ? " PROVISIONAL" : string.Empty);

    internal static string Window(DashboardReport r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.WindowStart:HH:mm}–{r.WindowEnd:HH:mm} UTC");
}
