namespace BadgeFlow.Local.Simulator;

/// <summary>
/// Where every read went. Each read sent is rejected by the API (malformed), loaded into the warehouse, or kept by
/// Firehose as a processing failure; anything else is lost:
/// <c>lost = sent − rejected − loaded − kept as failed</c>, which the demo requires to be 0. Reads given up after
/// retries, dropped by Transform or still buffered are part of lost and shown to explain it.
/// </summary>
public sealed record ClosingAccount(
    long Sent,
    long Accepted,
    long Rejected,
    long GaveUp,
    long IntoFirehose,
    long Loaded,
    long KeptAsFailed,
    long Dropped,
    long Buffered)
{
    public long Lost => Sent - Rejected - Loaded - KeptAsFailed;

    /// <summary>The API's count and the stack's agree: nothing taken by the Producer went missing before Firehose.</summary>
    public bool ProducerConsistent => Accepted == IntoFirehose;
}

/// <summary>One reporting window: where the simulator put the crowd and what the published report ranks highest.</summary>
public sealed record WindowCheck(
    DateTimeOffset WindowStart,
    AgendaActivity Activity,
    IReadOnlyList<string> Expected,
    IReadOnlyList<string>? Reported)
{
    /// <summary>
    /// The report's densest zone is among the three the simulator crowded most, and the simulator's densest is among the
    /// report's top three. Tolerant of ties (two zones of equal density may be listed in either order), not of a
    /// report that ranks a different part of the campus.
    /// </summary>
    public bool Matches => Reported is { Count: > 0 } reported && Expected.Count > 0
        && Expected.Take(3).Contains(reported[0], StringComparer.Ordinal)
        && reported.Take(3).Contains(Expected[0], StringComparer.Ordinal);
}

/// <summary>The demo's verdict: nothing lost, enough reports, and reports that see the crowds the simulator made.</summary>
public sealed record DemoVerdict(ClosingAccount Account, IReadOnlyList<WindowCheck> Windows, int ReportsPublished, int MinimumReports)
{
    public bool Passed => Account.Lost == 0 && ReportsPublished >= MinimumReports && Windows.All(w => w.Matches);

    /// <summary>Why the demo failed, one line per reason; empty when it passed.</summary>
    public IEnumerable<string> Failures()
    {
        if (Account.Lost != 0)
        {
            yield return $"lost = {Account.Lost}, not 0 (given up {Account.GaveUp}, dropped {Account.Dropped}, still buffered {Account.Buffered})";
        }

        if (ReportsPublished < MinimumReports)
        {
            yield return $"{ReportsPublished} reports published, fewer than {MinimumReports}";
        }

        foreach (var w in Windows.Where(w => !w.Matches))
        {
            yield return w.Reported is null
                ? $"no report for the window starting {w.WindowStart:HH:mm}"
                : $"window {w.WindowStart:HH:mm} ({w.Activity}): report ranks {string.Join(", ", w.Reported.Take(3))}; the simulator crowded {string.Join(", ", w.Expected.Take(3))}";
        }
    }

    /// <summary>
    /// Checks each window of the event against the report published for it (by window start); a window without a
    /// report fails.
    /// </summary>
    public static DemoVerdict Judge(
        ClosingAccount account,
        ConferencePlan plan,
        DateTimeOffset eventStart,
        IReadOnlyDictionary<DateTimeOffset, IReadOnlyList<string>> reportedTopZones,
        int reportsPublished,
        int minimumReports)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(reportedTopZones);
        var windows = plan.Crowds.Select(c =>
        {
            var start = eventStart + c.Start;
            return new WindowCheck(start, c.Activity, c.Densest(3).ToArray(), reportedTopZones.GetValueOrDefault(start));
        }).ToArray();
        return new DemoVerdict(account, windows, reportsPublished, minimumReports);
    }
}
