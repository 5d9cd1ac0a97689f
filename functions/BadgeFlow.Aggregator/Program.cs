using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

// Cold start: settings, campus, AWS clients, once; then serve scheduled and backfill invocations.
return await LambdaHost.RunAsync(
    initialize: async (log, cancellationToken) =>
    {
        var settings = AggregatorSettings.Read(new EnvironmentSettings(Environment.GetEnvironmentVariable));
        var zones = await AggregatorStartup.LoadZonesAsync(settings.CampusFile, cancellationToken).ConfigureAwait(false);
        var transport = await AwsEnvironment.CreateTransportAsync(AwsTransport.CreateHttpClient(), cancellationToken).ConfigureAwait(false);
        log.Information(
            "Aggregator ready: {Zones} zones, {WindowMinutes}-minute windows, delivery lag {LagMinutes} min",
            zones.Count, settings.WindowLength.TotalMinutes, settings.DeliveryLag.TotalMinutes);
        return AggregatorStartup.CreateHandler(settings, zones, new RedshiftDataClient(transport), new SnsClient(transport), TimeProvider.System, Console.Out,
            new SsmParameterStore(transport));
    },
    requestType: EventsJsonContext.Default.AggregatorRequest,
    responseType: ReportJsonContext.Default.AggregatorResponse).ConfigureAwait(false);
