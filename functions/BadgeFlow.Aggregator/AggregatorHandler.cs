using System.Diagnostics;
using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aggregator.Corrections;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Aggregator.Retention;
using BadgeFlow.Aggregator.Staffing;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Aggregator;

/// <summary>
/// Scheduled (or backfill) density report: picks the window from the event (never the clock), counts it in the
/// warehouse, builds the report and publishes it as one SNS message, as the window's next revision when its figures
/// differ from the latest recorded one (none: revision 1); a scheduled run then re-checks recent windows and publishes
/// their corrections (<see cref="WindowRechecker"/>). Any failure is thrown, so the schedule's retry policy runs again
/// and the function's error alarm fires: a missing report must never look like a quiet window.
/// </summary>
public sealed class AggregatorHandler : ILambdaHandler<AggregatorRequest, AggregatorResponse>
{
    /// <summary>Time kept back from the invocation's deadline for publishing after the query.</summary>
    private static readonly TimeSpan PublishReserve = TimeSpan.FromSeconds(5);

    private readonly AggregatorSettings _settings;
    private readonly IReadOnlyList<ZoneProfile> _zones;
    private readonly WindowCounter _counter;
    private readonly WatermarkQuery _watermarkQuery;
    private readonly ReportRevisionStore _revisions;
    private readonly RevisionPublisher _publisher;
    private readonly WindowRechecker _rechecker;
    private readonly DensityReportBuilder _builder;
    private readonly TimeProvider _time;
    private readonly TextWriter _metricsOutput;
    private readonly StaffOnDutyReader? _staffOnDuty;
    private readonly StaffAllocator _staffAllocator = new();
    private readonly ReadRetention _retention;

    public AggregatorHandler(
        AggregatorSettings settings,
        IReadOnlyList<ZoneProfile> zones,
        WindowCounter counter,
        WatermarkQuery watermarkQuery,
        ReportRevisionStore revisions,
        RevisionPublisher publisher,
        WindowRechecker rechecker,
        DensityReportBuilder builder,
        TimeProvider time,
        TextWriter metricsOutput,
        StaffOnDutyReader? staffOnDuty,
        ReadRetention retention)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(watermarkQuery);
        ArgumentNullException.ThrowIfNull(revisions);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(rechecker);
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metricsOutput);
        ArgumentNullException.ThrowIfNull(retention);
        _settings = settings;
        _zones = zones;
        _counter = counter;
        _watermarkQuery = watermarkQuery;
        _revisions = revisions;
        _publisher = publisher;
        _rechecker = rechecker;
        _builder = builder;
        _time = time;
        _metricsOutput = metricsOutput;
        _staffOnDuty = staffOnDuty;
        _retention = retention;
    }

    public async Task<AggregatorResponse> HandleAsync(AggregatorRequest request, LambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var log = context.Logger;

        // A collector per invocation: the handler keeps no state between invocations.
        var metrics = new EmfMetrics(_settings.MetricsNamespace, _time, ("FunctionName", "Aggregator"));
        var (window, trigger) = Resolve(request);
        log.Information(
            "Reporting window {WindowStart} to {WindowEnd} ({Trigger})",
            Iso(window.Start), Iso(window.End), trigger.IsBackfill ? "backfill" : "schedule");

        try
        {
            var (watermark, checks) = await AwaitWatermarkAsync(window, context).ConfigureAwait(false);
            var started = _time.GetTimestamp();
            var counted = await _counter.CountAsync(window, context.Deadline - PublishReserve, context.CancellationToken).ConfigureAwait(false);
            if (counted.Counts.SuspectSensors is { Count: > 0 } suspects)
            {
                log.Warning(
                    "{SuspectSensors} sensors have implausible streams; {ExcludedReads} of their reads are left out of the counts: {SuspectSensorIds}",
                    suspects.Count, suspects.Sum(x => x.ExcludedReads), string.Join(",", suspects.Select(x => x.SensorId)));
            }

            var queryTime = _time.GetElapsedTime(started);
            log.Information(
                "Density query {StatementId} returned {ZoneRows} zone rows in {QueryMilliseconds} ms over {Pages} pages",
                counted.StatementId, counted.Counts.Zones.Count, (long)queryTime.TotalMilliseconds, counted.Pages);

            var report = _builder.Build(window, trigger, _zones, counted.Counts);
            var completeness = ReportCompleteness.Of(watermark, window.Start, window.End, counted.Counts.Reads);
            if (!completeness.Complete)
            {
                var reaches = watermark is { } w ? Iso(w) : "nothing";
                if (completeness.MissingReadsEstimate is { } missing)
                {
                    log.Warning(
                        "Publishing window {WindowStart} provisionally after {Checks} watermark checks: data reaches {Watermark}, about {MissingReads} reads may be missing",
                        Iso(window.Start), checks, reaches, missing);
                }
                else
                {
                    // No read of the window is loaded yet, so there is no rate to extrapolate from.
                    log.Warning(
                        "Publishing window {WindowStart} provisionally after {Checks} watermark checks: data reaches {Watermark}, none of the window is loaded yet",
                        Iso(window.Start), checks, reaches);
                }
            }

            // The latest revision of this window and of those a scheduled run re-checks, in one small query.
            var deadline = context.Deadline - PublishReserve;
            var latest = await _revisions.LatestAsync(
                trigger.IsBackfill ? window.Start : _rechecker.FirstWindow(window), window.Start, deadline, context.CancellationToken).ConfigureAwait(false);
            var planned = PlannedRevision.Next(latest.GetValueOrDefault(window.Start), counted.Counts);
            string messageId;
            var (zonesIncluded, messageBytes) = (0, 0);
            if (planned is null)
            {
                // The same figures as the latest revision (a retry, or the same event again): nothing new to say.
                var unchanged = latest[window.Start];
                messageId = unchanged.MessageId;
                log.Information(
                    "Window {WindowStart} unchanged since revision {Revision} (message {MessageId}): nothing published",
                    Iso(window.Start), unchanged.Revision, messageId);
            }
            else
            {
                report = await WithStaffingAsync(report, log, context.CancellationToken).ConfigureAwait(false);
                var published = await _publisher.PublishAsync(report, completeness, planned, deadline, context.CancellationToken).ConfigureAwait(false);
                var message = published.Message;
                (messageId, zonesIncluded, messageBytes) = (published.MessageId, message.ZonesIncluded, message.PublishBytes);
                if (message.ZonesOmitted > 0)
                {
                    log.Warning(
                        "The report lists {ZonesIncluded} of {Zones} zones to stay under the SNS size limit",
                        message.ZonesIncluded, report.Zones.Count);
                }

                if (report.UnregisteredZones.Count > 0)
                {
                    log.Warning("{UnregisteredZones} zones in the warehouse are missing from the campus registry", report.UnregisteredZones.Count);
                }

                log.Information(
                    "Published {Severity} report for {WindowStart}, revision {Revision}: {Zones} zones, worst {WorstZone}, {MessageBytes} bytes, message {MessageId}",
                    ReportMessageComposer.SeverityText(report.Severity), Iso(window.Start), planned.Revision, report.Zones.Count, report.WorstZone?.ZoneId,
                    message.PublishBytes, messageId);
                metrics.Bytes("MessageBytes", message.PublishBytes);
            }

            var corrections = trigger.IsBackfill
                ? []
                : await _rechecker.RecheckAsync(window, trigger, latest, deadline, log, context.CancellationToken).ConfigureAwait(false);

            metrics.Count("ReportsPublished", planned is null ? 0 : 1);
            metrics.Count("ReportsUnchanged", planned is null ? 1 : 0);
            metrics.Count("CorrectionsPublished", corrections.Count + (planned is { IsCorrection: true } ? 1 : 0));
            metrics.Count("ZonesReported", report.Zones.Count);
            metrics.Count("CriticalZones", report.Totals.CriticalZones);
            metrics.Count("WarningZones", report.Totals.WarningZones);
            metrics.Count("UnmappedReads", report.Totals.UnmappedReads);
            metrics.Count("SuspectSensors", report.Totals.SuspectSensors);
            metrics.Count("ExcludedReads", report.Totals.ExcludedReads);
            metrics.Record("MaxUtilisation", report.Totals.MaxUtilisation, MetricUnit.None);
            metrics.Record("Severity", (int)report.Severity, MetricUnit.None);
            metrics.Record("QueryTime", queryTime.TotalMilliseconds, MetricUnit.Milliseconds);
            metrics.Count("ProvisionalReports", completeness.Complete ? 0 : 1);
            metrics.Count("WatermarkChecks", checks);
            // Window end minus the watermark (latest received_at loaded), when the report was counted: the freshness alarm's metric.
            if (completeness.DataLag is { } lag)
            {
                metrics.Record("DataLag", lag.TotalSeconds, MetricUnit.Seconds);
            }

            if (report.Staffing is { } staffing)
            {
                metrics.Count("StaffOnDuty", staffing.OnDuty);
            }

            ZoneMetrics.Emit(report, _settings.MetricsNamespace, _time, _metricsOutput);
            if (trigger.ScheduledTime is { } scheduledTime)
            {
                await ExpireReadsAsync(scheduledTime, metrics, context).ConfigureAwait(false);
            }

            return new AggregatorResponse(
                Iso(window.Start),
                Iso(window.End),
                ReportMessageComposer.SeverityText(report.Severity),
                report.WorstZone?.ZoneId,
                report.Zones.Count,
                zonesIncluded,
                messageBytes,
                messageId)
            {
                Complete = completeness.Complete,
                Revision = planned?.Revision,
                Published = planned is not null,
                Corrections = corrections.Count,
            };
        }
        catch (Exception error)
        {
            metrics.Count("ReportsFailed", 1);
            log.Error(error, "Density report for window {WindowStart} failed; the invocation fails so the schedule retries", Iso(window.Start));
            throw;
        }
        finally
        {
            metrics.Flush(_metricsOutput);
        }
    }

    /// <summary>
    /// The completeness rule: the watermark (latest <c>received_at</c> loaded) must reach the window end. While it does
    /// not, waits <see cref="AggregatorSettings.CompletenessPoll"/> and asks again, for at most
    /// <see cref="AggregatorSettings.CompletenessWait"/> and never into the time the density query and publishing need.
    /// </summary>
    private async Task<(DateTimeOffset? Watermark, int Checks)> AwaitWatermarkAsync(ReportWindow window, LambdaContext context)
    {
        var queryDeadline = context.Deadline - PublishReserve;
        var waitUntil = _time.GetUtcNow() + _settings.CompletenessWait;
        var budgetEnd = queryDeadline - _settings.StatementTimeout;
        if (budgetEnd < waitUntil)
        {
            waitUntil = budgetEnd;
        }

        var watermark = await _watermarkQuery.RunAsync(window, queryDeadline, context.CancellationToken).ConfigureAwait(false);
        var checks = 1;
        while (!ReportCompleteness.IsComplete(watermark, window.End) && _time.GetUtcNow() + _settings.CompletenessPoll <= waitUntil)
        {
            await Task.Delay(_settings.CompletenessPoll, _time, context.CancellationToken).ConfigureAwait(false);
            watermark = await _watermarkQuery.RunAsync(window, queryDeadline, context.CancellationToken).ConfigureAwait(false);
            checks++;
        }

        return (watermark, checks);
    }

    /// <summary>Retention after the report is out, so a slow DELETE never delays it. A failure is logged and counted but
    /// does not fail the invocation: a retry would publish the report twice, and the next run (15 minutes later, the
    /// statement idempotent) deletes what this one did not.</summary>
    private async Task ExpireReadsAsync(DateTimeOffset scheduledTime, EmfMetrics metrics, LambdaContext context)
    {
        var log = context.Logger;
        try
        {
            var outcome = await _retention.RunAsync(scheduledTime, context.Deadline - PublishReserve, context.CancellationToken).ConfigureAwait(false);
            log.Information(
                "Retention {StatementId} deleted {ReadsExpired} reads seen before {Cutoff}",
                outcome.StatementId, outcome.Deleted, Iso(outcome.Cutoff));
            metrics.Count("ReadsExpired", outcome.Deleted);
            metrics.Count("RetentionFailed", 0);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            log.Error(error, "Retention for the run scheduled at {ScheduledTime} failed; the next run deletes the expired reads", Iso(scheduledTime));
            metrics.Count("RetentionFailed", 1);
        }
    }

    /// <summary>The report with the staffing plan, or without it (and an error in the log) when the number on duty cannot
    /// be read: a missing recommendation must not cost the security team the report itself.</summary>
    private async Task<DensityReport> WithStaffingAsync(DensityReport report, JsonLogger log, CancellationToken cancellationToken)
    {
        if (_staffOnDuty is null)
        {
            return report;
        }

        var reading = await _staffOnDuty.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reading.OnDuty is not { } onDuty)
        {
            log.Error(
                "Staff on duty parameter {Parameter} could not be used: {Problem}; the report is published without staffing",
                _staffOnDuty.ParameterName, reading.Problem);
            return report;
        }

        var plan = _staffAllocator.Allocate(report.Zones, onDuty);
        log.Information("Staffing: {OnDuty} on duty over {StaffedZones} zones", onDuty, plan.Zones.Count);
        return report with { Staffing = plan };
    }

    /// <summary>The window and trigger an event asks for; throws <see cref="ArgumentException"/> for an event that names
    /// neither a scheduled time nor a window, or a misaligned window.</summary>
    public (ReportWindow Window, ReportTrigger Trigger) Resolve(AggregatorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WindowStart is { } start)
        {
            return (ReportWindow.StartingAt(start, _settings.WindowLength), ReportTrigger.Backfill);
        }

        if (request.EffectiveScheduledTime is { } scheduled)
        {
            return (ReportWindow.ClosedBefore(scheduled, _settings.WindowLength, _settings.DeliveryLag), ReportTrigger.Scheduled(scheduled));
        }

        throw new ArgumentException(
            "The event names no window: send {\"scheduledTime\": \"…\"} (EventBridge Scheduler), an EventBridge Scheduled Event, or {\"windowStart\": \"…\"} (backfill).",
            nameof(request));
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
