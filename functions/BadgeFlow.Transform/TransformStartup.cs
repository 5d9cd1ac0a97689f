using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Transform;

/// <summary>Builds the handler at cold start: the campus registry (embedded, or <c>CAMPUS_FILE</c>) and the
/// pseudonymization key from SSM. Kept out of <c>Main</c> so tests run the same start-up with a fake parameter store.</summary>
public static class TransformStartup
{
    public static async Task<ILambdaHandler<FirehoseTransformationEvent, FirehoseTransformationResponse>> CreateHandlerAsync(
        TransformSettings settings, IParameterStore parameters, JsonLogger log, TextWriter metricsOutput,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(log);

        var campus = await CampusRegistry.LoadAsync(settings.CampusFile, cancellationToken).ConfigureAwait(false);

        var pseudonymizer = await PseudonymizationKey.LoadAsync(parameters, settings.KeyParameterName, cancellationToken).ConfigureAwait(false);

        log.Information(
            "Campus {Campus} loaded from {CampusSource}: {VenueCount} venues, {ZoneCount} zones, {SensorCount} sensors",
            campus.Name, settings.CampusFile ?? "embedded campus.json", campus.Venues.Count, campus.Zones.Count, campus.Sensors.Count);

        return new TransformHandler(
            new BadgeReadTransformer(campus, pseudonymizer),
            new TransformOptions(settings.MetricsNamespace),
            metricsOutput,
            timeProvider);
    }
}
