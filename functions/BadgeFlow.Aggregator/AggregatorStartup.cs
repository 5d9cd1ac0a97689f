using BadgeFlow.Aggregator.Suspects;
using BadgeFlow.Aggregator.Retention;
using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aggregator.Corrections;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Aggregator.Staffing;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Aggregator;

/// <summary>Builds the handler's object graph; <c>Main</c> and the tests compose it the same way.</summary>
public static class AggregatorStartup
{
    /// <summary>Builds the handler at cold start: the campus's zones (embedded, or <c>CAMPUS_FILE</c>), then
    /// <see cref="CreateHandler"/>.</summary>
    public static async Task<ILambdaHandler<AggregatorRequest, AggregatorResponse>> CreateHandlerAsync(
        AggregatorSettings settings, IRedshiftData redshift, ISns sns, IParameterStore parameters, JsonLogger log, TextWriter metricsOutput,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var zones = ToProfiles(await CampusRegistry.LoadAsync(settings.CampusFile, cancellationToken).ConfigureAwait(false));
        log.Information(
            "Aggregator ready: {Zones} zones, {WindowMinutes}-minute windows, delivery lag {LagMinutes} min",
            zones.Count, settings.WindowLength.TotalMinutes, settings.DeliveryLag.TotalMinutes);
        return CreateHandler(settings, zones, redshift, sns, time, metricsOutput, parameters);
    }

    public static IReadOnlyList<ZoneProfile> ToProfiles(CampusRegistry campus)
    {
        ArgumentNullException.ThrowIfNull(campus);
        return campus.Zones.Select(z => new ZoneProfile(z.Id, z.Name, z.Venue.Id, z.AreaSquareMetres, z.Capacity)).ToList();
    }

    public static ILambdaHandler<AggregatorRequest, AggregatorResponse> CreateHandler(
        AggregatorSettings settings,
        IReadOnlyList<ZoneProfile> zones,
        IRedshiftData redshift,
        ISns sns,
        TimeProvider time,
        TextWriter metricsOutput,
        IParameterStore? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var runner = new StatementRunner(redshift, time, StatementRunnerOptions.FromTimeout(settings.StatementTimeout));
        var staffOnDuty = settings.StaffOnDutyParameter is { } name && parameters is not null ? new StaffOnDutyReader(parameters, name) : null;
        var counter = new WindowCounter(
            new DensityQuery(runner, settings.Target, settings.PresenceTimeout), new SuspectQuery(runner, settings.Target, settings.PresenceTimeout), zones);
        var watermarkQuery = new WatermarkQuery(runner, settings.Target);
        var builder = new DensityReportBuilder(settings.TopZones, settings.Thresholds);
        var revisions = new ReportRevisionStore(runner, settings.Target);
        var publisher = new RevisionPublisher(settings.TopicArn, new ReportMessageComposer(), sns, revisions, time);
        var rechecker = new WindowRechecker(settings.RecheckWindows, zones, counter, watermarkQuery, builder, publisher);
        return new AggregatorHandler(
            settings, zones, counter, watermarkQuery, revisions, publisher, rechecker, builder, time, metricsOutput, staffOnDuty,
            new ReadRetention(runner, settings.Target, settings.ReadRetention));
    }
}
