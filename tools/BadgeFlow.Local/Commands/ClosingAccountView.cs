using System.Globalization;
using BadgeFlow.Local.Simulator;
using Spectre.Console;

namespace BadgeFlow.Local.Commands;

/// <summary>The demo's last words: where every read went, each window's check, and the verdict.</summary>
internal static class ClosingAccountView
{
    public static void Write(Terminal terminal, DemoVerdict verdict, long loadedByCounter, TimeSpan played, TimeSpan total)
    {
        var a = verdict.Account;
        var rows = new (string What, long Count, string Meaning)[]
        {
            ("sent", a.Sent, "distinct reads the simulated sensors sent (a resent read counts once)"),
            ("accepted", a.Accepted, "taken by the sensor API (Producer)"),
            ("rejected", a.Rejected, "refused as malformed by the API (sent malformed on purpose)"),
            ("given up", a.GaveUp, "still refused after every retry"),
            ("into Firehose", a.IntoFirehose, "reads in records Firehose accepted"),
            ("loaded", a.Loaded, "rows in badge_reads"),
            ("kept as failed", a.KeptAsFailed, "reads Firehose kept under processing-failed/"),
            ("dropped", a.Dropped, "reads Transform answered Dropped"),
            ("buffered", a.Buffered, "reads Firehose still holds"),
            ("lost", a.Lost, "sent − rejected − loaded − kept as failed (must be 0)"),
        };
        var throughput = a.Loaded / Math.Max(0.001, played.TotalSeconds);
        var timing = string.Create(CultureInfo.InvariantCulture,
            $"played in {played.TotalSeconds:0.0} s ({throughput:N0} reads/s from API to warehouse), {total.TotalSeconds:0.0} s in all");

        if (terminal.Live)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("Closing account").AddColumns("", "reads", "");
            foreach (var (what, count, meaning) in rows)
            {
                var bad = what == "lost" && count != 0;
                table.AddRow(
                    new Markup(what == "lost" ? $"[bold]{what}[/]" : what),
                    new Markup($"[{(bad ? "red bold" : "default")}]{count.ToString("N0", CultureInfo.InvariantCulture)}[/]"),
                    new Text(meaning));
            }

            terminal.Console.Write(table);
            // The check looks for the truly densest zone in the report's top three (see WindowCheck.Matches).
            var windows = new Table().Border(TableBorder.Simple).AddColumns("window", "agenda", "truly densest", "report's densest", "in top 3");
            foreach (var w in verdict.Windows)
            {
                windows.AddRow(
                    new Text(w.WindowStart.ToString("HH:mm", CultureInfo.InvariantCulture)),
                    new Text(w.Activity.ToString()),
                    new Text(w.Expected.FirstOrDefault() ?? ""),
                    new Text(w.Reported is null ? "(no report)" : w.Reported.FirstOrDefault() ?? ""),
                    new Markup(w.Matches ? "[green]match[/]" : "[red]MISMATCH[/]"));
            }

            terminal.Console.Write(windows);
        }
        else
        {
            terminal.Line("closing account:");
            foreach (var (what, count, meaning) in rows)
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture, $"  {what,-15}{count,12:N0}  {meaning}"));
            }

            foreach (var w in verdict.Windows)
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture,
                    $"  window {w.WindowStart:HH:mm} {w.Activity,-12} truly densest: {w.Expected.FirstOrDefault()}; report ranks: {(w.Reported is null ? "(no report)" : string.Join(", ", w.Reported.Take(3)))} → {(w.Matches ? "match" : "MISMATCH")}"));
            }
        }

        if (verdict.Completeness is { } completeness)
        {
            // Per window: the reads owed (accepted before the window ended), the first report's delay on the stack's
            // virtual clock and what it counted, and the last revision.
            foreach (var w in completeness.Windows)
            {
                terminal.Line(WindowCompletenessLine(w));
            }
        }

        if (!a.ProducerConsistent)
        {
            terminal.Line($"note: the API accepted {a.Accepted:N0} reads but {a.IntoFirehose:N0} reached Firehose");
        }

        if (loadedByCounter != a.Loaded)
        {
            terminal.Line($"note: Firehose counted {loadedByCounter:N0} reads loaded; the table holds {a.Loaded:N0}");
        }

        terminal.Line($"{verdict.ReportsPublished} reports published · {timing}");
        terminal.Line(verdict.AccuracyLine);
        if (verdict.Completeness is { } account)
        {
            terminal.Line(account.Line);
        }

        var failures = verdict.Failures().ToArray();
        terminal.Line(failures.Length == 0
            ? "PASSED: lost = 0, every window reported, the truly densest zone in every report's top 3, occupancy wMAPE within 15%"
            : "FAILED: " + string.Join("; ", failures));
    }

    internal static string WindowCompletenessLine(WindowCompleteness w)
    {
        var first = w.First is { } f
            ? string.Create(CultureInfo.InvariantCulture,
                $"first report r{f.Revision}{(f.Provisional ? " PROVISIONAL" : string.Empty)} {Delay(w.FirstReportDelay!.Value)} after the window end, counted {f.Reads:N0} ({(w.FirstComplete ? "complete" : "short")})")
            : "no report";
        var last = w.Last is { Revision: > 1 } l
            ? string.Create(CultureInfo.InvariantCulture, $"; last r{l.Revision} counted {l.Reads:N0}")
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"  window {w.WindowStart:HH:mm} accepted before its end {w.AcceptedBeforeEnd,8:N0}; {first}{last}");
    }

    private static string Delay(TimeSpan delay) => delay < TimeSpan.Zero
        ? "before the window end (!)"
        : string.Create(CultureInfo.InvariantCulture, $"{(int)delay.TotalMinutes}m{delay.Seconds:00}s");
}
