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
    /// <summary>The campus's zones, from <paramref name="campusFile"/> when set (CAMPUS_FILE), else the embedded campus.json.</summary>
    public static async Task<IReadOnlyList<ZoneProfile>> LoadZonesAsync(string? campusFile, CancellationToken cancellationToken)
    {
        byte[] json;
        if (campusFile is not null)
        {
            json = await File.ReadAllBytesAsync(campusFile, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var stream = typeof(AggregatorStartup).Assembly.GetManifestResourceStream("campus.json")
                ?? throw new InvalidOperationException("The embedded resource campus.json is missing from the Aggregator.");
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            json = buffer.ToArray();
        }

        return ToProfiles(CampusRegistry.Load(json));
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
