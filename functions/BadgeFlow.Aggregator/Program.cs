using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

// Cold start: settings, then every dependency once (HTTP client, credentials, clients, campus); then serve scheduled
// and backfill invocations.
return await LambdaHost.RunAsync(
    initialize: async (log, cancellationToken) =>
    {
        var settings = AggregatorSettings.Read(new EnvironmentSettings(Environment.GetEnvironmentVariable));
        var transport = await AwsEnvironment.CreateTransportAsync(AwsTransport.CreateHttpClient(), cancellationToken).ConfigureAwait(false);
        return await AggregatorStartup.CreateHandlerAsync(
                settings, new RedshiftDataClient(transport), new SnsClient(transport), new SsmParameterStore(transport), log, Console.Out,
                TimeProvider.System, cancellationToken)
            .ConfigureAwait(false);
    },
    requestType: EventsJsonContext.Default.AggregatorRequest,
    responseType: ReportJsonContext.Default.AggregatorResponse).ConfigureAwait(false);
