using System.Globalization;

namespace BadgeFlow.Local.Simulator;

/// <summary>One published revision of a window's report, as the demo saw it on the topic.</summary>
/// <param name="Reads">The report's <c>totals.reads</c>: distinct read ids in the window.</param>
/// <param name="PublishedAt">When SNS accepted it, on the stack's (virtual) clock.</param>
public sealed record SeenRevision(DateTimeOffset WindowStart, int Revision, bool Provisional, long Reads, DateTimeOffset PublishedAt);

/// <summary>A window of the event: the reads accepted before it ended, and the revisions published for it.</summary>
public sealed record WindowCompleteness(DateTimeOffset WindowStart, DateTimeOffset WindowEnd, long AcceptedBeforeEnd, long AcceptedAfterEnd, IReadOnlyList<SeenRevision> Revisions)
{
    /// <summary>The first report: the lowest revision, the earliest published among equals (a retry may repeat one).</summary>
    public SeenRevision? First => Revisions.OrderBy(r => r.Revision).ThenBy(r => r.PublishedAt).FirstOrDefault();

    /// <summary>The window's last word: the highest revision.</summary>
    public SeenRevision? Last => Revisions.OrderBy(r => r.Revision).ThenBy(r => r.PublishedAt).LastOrDefault();

    /// <summary>Revisions above 1 (distinct numbers, so a republished revision counts once).</summary>
    public int Corrections => Revisions.Where(r => r.Revision > 1).Select(r => r.Revision).Distinct().Count();

    /// <summary>The first report counted at least every read accepted before the window ended.</summary>
    public bool FirstComplete => First is { } first && first.Reads >= AcceptedBeforeEnd;

    /// <summary>The first report missed reads accepted before the window ended and did not say it was provisional.</summary>
    public bool SilentlyIncomplete => First is { } first && first.Reads < AcceptedBeforeEnd && !first.Provisional;

    /// <summary>Of the reads accepted before the window ended, those the last revision counted (it may also count
    /// later ones, which are not owed).</summary>
    public long CountedByLast => Math.Min(Last?.Reads ?? 0, AcceptedBeforeEnd);

    /// <summary>From the window's end to its first report, on the stack's clock.</summary>
    public TimeSpan? FirstReportDelay => First is { } first ? first.PublishedAt - WindowEnd : null;
}

/// <summary>
/// The demo's completeness measure (issue 10): were the first reports complete, or did they say they were not, and did
/// the corrections make every window whole? Its <see cref="Line"/> is read by scripts.
/// </summary>
public sealed record CompletenessAccount(IReadOnlyList<WindowCompleteness> Windows)
{
    public int FirstComplete => Windows.Count(w => w.FirstComplete);

    public int SilentIncomplete => Windows.Count(w => w.SilentlyIncomplete);

    public int Corrections => Windows.Sum(w => w.Corrections);

    public long Owed => Windows.Sum(w => w.AcceptedBeforeEnd);

    /// <summary>Share of the reads accepted before their window's end that each window's last revision counted; 1 when none were owed.</summary>
    public double Final => Owed == 0 ? 1.0 : (double)Windows.Sum(w => w.CountedByLast) / Owed;

    /// <summary><c>completeness: first 8/8 complete, silent-incomplete 0, corrections 1, final 100.0%</c>. The share is
    /// rounded down, so a window short by one read never prints as 100.0%.</summary>
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"completeness: first {FirstComplete}/{Windows.Count} complete, silent-incomplete {SilentIncomplete}, corrections {Corrections}, final {Math.Floor(Final * 1000) / 10:0.0}%");

    public bool Passed => SilentIncomplete == 0 && Windows.All(w => w.CountedByLast == w.AcceptedBeforeEnd);

    public IEnumerable<string> Failures()
    {
        foreach (var w in Windows.Where(w => w.SilentlyIncomplete))
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"the first report of window {w.WindowStart:HH:mm} counted {w.First!.Reads} reads of {w.AcceptedBeforeEnd} accepted before its end without being marked provisional");
        }

        foreach (var w in Windows.Where(w => w.CountedByLast < w.AcceptedBeforeEnd))
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"window {w.WindowStart:HH:mm}: its last revision ({(w.Last is { } last ? $"r{last.Revision}" : "none")}) counted {w.Last?.Reads ?? 0} of {w.AcceptedBeforeEnd} reads accepted before its end");
        }
    }

    /// <summary>The event's windows with what was accepted and published for each; revisions of other windows (the one
    /// after the event, reported by the extra run) are ignored.</summary>
    public static CompletenessAccount Of(
        IEnumerable<DateTimeOffset> windowStarts, TimeSpan windowLength, WindowAcceptance accepted, IEnumerable<SeenRevision> revisions)
    {
        ArgumentNullException.ThrowIfNull(windowStarts);
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(revisions);
        var byWindow = revisions.ToLookup(r => r.WindowStart);
        return new CompletenessAccount(windowStarts
            .Select(start => new WindowCompleteness(start, start + windowLength, accepted.BeforeEnd(start), accepted.AfterEnd(start), byWindow[start].ToList()))
            .ToList());
    }
}
