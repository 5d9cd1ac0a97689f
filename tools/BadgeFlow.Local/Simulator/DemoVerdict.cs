using BadgeFlow.Domain.Density;

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

/// <summary>One reporting window: where the crowd truly was at its end, and what the published report ranks highest.</summary>
public sealed record WindowCheck(
    DateTimeOffset WindowStart,
    AgendaActivity Activity,
    IReadOnlyList<string> Expected,
    IReadOnlyList<string>? Reported)
{
    /// <summary>
    /// The truly densest zone at the window's end is among the report's top three: tolerant of near-ties (two zones a
    /// few people apart may be ranked either way by an estimate), not of a report that ranks a different part of the campus.
    /// </summary>
    public bool Matches => Reported is { Count: > 0 } reported && Expected.Count > 0
        && reported.Take(3).Contains(Expected[0], StringComparer.Ordinal);
}

/// <summary>
/// The demo's verdict: nothing lost, enough reports, reports that see where the crowd truly was, and an occupancy
/// error (wMAPE at window end) of at most <see cref="MaximumWeightedMape"/>.
/// </summary>
public sealed record DemoVerdict(
    ClosingAccount Account,
    IReadOnlyList<WindowCheck> Windows,
    AccuracySummary Accuracy,
    int ReportsPublished,
    int MinimumReports)
{
    public const double MaximumWeightedMape = 0.15;

    /// <summary>Whether first reports were complete or said they were not, and corrections made them whole (issue 10);
    /// null when not measured.</summary>
    public CompletenessAccount? Completeness { get; init; }

    public bool Passed => Account.Lost == 0 && ReportsPublished >= MinimumReports && Windows.All(w => w.Matches)
        && Accuracy.WeightedMape <= MaximumWeightedMape && Completeness?.Passed != false;

    /// <summary>The closing line scripts read, e.g. <c>accuracy: wMAPE 7.3%, densest 8/8, top5 0.92</c>.</summary>
    public string AccuracyLine => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"accuracy: wMAPE {Accuracy.WeightedMape * 100:0.0}%, densest {Accuracy.DensestHits}/{Accuracy.Windows.Count}, top5 {Accuracy.MeanTopFiveOverlap:0.00}");

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

        if (Accuracy.WeightedMape > MaximumWeightedMape)
        {
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"occupancy wMAPE {Accuracy.WeightedMape * 100:0.0}% is over {MaximumWeightedMape * 100:0}%");
        }

        foreach (var failure in Completeness?.Failures() ?? [])
        {
            yield return failure;
        }

        foreach (var w in Windows.Where(w => !w.Matches))
        {
            yield return w.Reported is null
                ? $"no report for the window starting {w.WindowStart:HH:mm}"
                : $"window {w.WindowStart:HH:mm} ({w.Activity}): report ranks {string.Join(", ", w.Reported.Take(3))}; truly densest {w.Expected.FirstOrDefault()}";
        }
    }

    /// <summary>
    /// Checks each window of the event against the report published for it (by window start) and the true crowd at the
    /// window's end; a window without a report fails.
    /// </summary>
    public static DemoVerdict Judge(
        ClosingAccount account,
        ConferencePlan plan,
        DateTimeOffset eventStart,
        IReadOnlyDictionary<DateTimeOffset, IReadOnlyList<ReportedZone>> reportedZones,
        int reportsPublished,
        int minimumReports,
        SeverityThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(reportedZones);
        var windows = new List<WindowCheck>();
        var accuracy = new List<WindowAccuracy>();
        foreach (var crowd in plan.Crowds)
        {
            var start = eventStart + crowd.Start;
            var reported = reportedZones.GetValueOrDefault(start);
            windows.Add(new WindowCheck(start, crowd.Activity, crowd.Densest(3).ToArray(), reported?.Select(z => z.ZoneId).ToArray()));
            accuracy.Add(ReportAccuracy.Compare(crowd, reported ?? [], plan.Campus, thresholds));
        }

        return new DemoVerdict(account, windows, new AccuracySummary(accuracy), reportsPublished, minimumReports);
    }
}
