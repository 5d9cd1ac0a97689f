using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;

namespace BadgeFlow.Aggregator.Corrections;

/// <summary>
/// A scheduled run's second duty: the <see cref="AggregatorSettings.RecheckWindows"/> windows before the one it reports
/// are counted again, and each whose figures changed since its latest recorded revision (late data, or a provisional
/// report whose missing reads arrived) gets a correction. Windows never reported are left to the schedule's retries and
/// to backfills: a recheck corrects, it does not fill gaps. Any failure is thrown, as for the report itself.
/// </summary>
public sealed class WindowRechecker
{
    private readonly int _windows;
    private readonly IReadOnlyList<ZoneProfile> _zones;
    private readonly WindowCounter _counter;
    private readonly WatermarkQuery _watermarkQuery;
    private readonly DensityReportBuilder _builder;
    private readonly RevisionPublisher _publisher;

    public WindowRechecker(
        int windows, IReadOnlyList<ZoneProfile> zones, WindowCounter counter, WatermarkQuery watermarkQuery, DensityReportBuilder builder, RevisionPublisher publisher)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(windows);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(watermarkQuery);
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(publisher);
        _windows = windows;
        _zones = zones;
        _counter = counter;
        _watermarkQuery = watermarkQuery;
        _builder = builder;
        _publisher = publisher;
    }

    /// <summary>The first window whose revisions a run for <paramref name="reported"/> needs: the oldest it re-checks.</summary>
    public DateTimeOffset FirstWindow(ReportWindow reported) => reported.Start - (reported.Length * _windows);

    /// <summary>Re-checks the windows before <paramref name="reported"/>, oldest first; returns the corrections published.</summary>
    /// <param name="latest">The latest recorded revision per window start (from <see cref="FirstWindow"/> on).</param>
    public async Task<IReadOnlyList<PublishedRevision>> RecheckAsync(
        ReportWindow reported,
        ReportTrigger trigger,
        IReadOnlyDictionary<DateTimeOffset, ReportRevision> latest,
        DateTimeOffset deadline,
        JsonLogger log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(log);
        var corrections = new List<PublishedRevision>();
        for (var back = _windows; back >= 1; back--)
        {
            var window = ReportWindow.StartingAt(reported.Start - (reported.Length * back), reported.Length);
            if (!latest.TryGetValue(window.Start, out var previous))
            {
                continue;
            }

            var watermark = await _watermarkQuery.RunAsync(window, deadline, cancellationToken).ConfigureAwait(false);
            var counted = await _counter.CountAsync(window, deadline, cancellationToken).ConfigureAwait(false);
            if (PlannedRevision.Next(previous, counted.Counts) is not { } planned)
            {
                log.Information(
                    "Re-checked window {WindowStart}: figures unchanged since revision {Revision} (provisional {Provisional})",
                    Iso(window.Start), previous.Revision, previous.Provisional);
                continue;
            }

            // A correction describes the window, not where to send staff now: that is the current report's job.
            var report = _builder.Build(window, trigger, _zones, counted.Counts);
            var completeness = ReportCompleteness.Of(watermark, window.Start, window.End, counted.Counts.Reads);
            var published = await _publisher.PublishAsync(report, completeness, planned, deadline, cancellationToken).ConfigureAwait(false);
            log.Warning(
                "Published correction {Revision} of window {WindowStart} superseding revision {Superseded}: reads {ReadsBefore} -> {ReadsAfter}, message {MessageId}",
                planned.Revision, Iso(window.Start), previous.Revision, previous.Reads, report.Totals.Reads, published.MessageId);
            corrections.Add(published);
        }

        return corrections;
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
