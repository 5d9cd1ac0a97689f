using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Corrections;

/// <summary>What one revision's Publish sent and what <c>report_revisions</c> now records.</summary>
public sealed record PublishedRevision(ReportMessage Message, string MessageId, ReportRevision Revision);

/// <summary>
/// Publishes a revision of a window's report and then records it. Publish first, record second: a failure between the
/// two fails the invocation, and the schedule's retry finds no record and publishes the same revision again (the same
/// bytes when the data did not change; SNS gives it a new message id). The other order could record a revision that
/// was never sent, and the retry would then see "unchanged" and publish nothing: a lost report.
/// </summary>
public sealed class RevisionPublisher
{
    private readonly string _topicArn;
    private readonly ReportMessageComposer _composer;
    private readonly ISns _sns;
    private readonly ReportRevisionStore _store;
    private readonly TimeProvider _time;

    public RevisionPublisher(string topicArn, ReportMessageComposer composer, ISns sns, ReportRevisionStore store, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topicArn);
        ArgumentNullException.ThrowIfNull(composer);
        ArgumentNullException.ThrowIfNull(sns);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _topicArn = topicArn;
        _composer = composer;
        _sns = sns;
        _store = store;
        _time = time;
    }

    public async Task<PublishedRevision> PublishAsync(
        DensityReport report, ReportCompleteness completeness, PlannedRevision planned, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(completeness);
        ArgumentNullException.ThrowIfNull(planned);
        var message = _composer.Compose(report, completeness, planned);
        var messageId = await _sns.PublishAsync(
            new PublishRequest(_topicArn, message.Message, message.Subject, "json", message.Attributes), cancellationToken).ConfigureAwait(false);
        var revision = new ReportRevision(
            report.Window.Start,
            planned.Revision,
            !completeness.Complete,
            planned.FiguresDigest,
            report.Totals.Reads,
            ReportMessageComposer.SeverityText(report.Severity),
            report.WorstZone?.ZoneId ?? "none",
            ReportChange.SevereZones(report),
            messageId);
        await _store.RecordAsync(revision, report.Trigger.ScheduledTime, _time.GetUtcNow(), deadline, cancellationToken).ConfigureAwait(false);
        return new PublishedRevision(message, messageId, revision);
    }
}
