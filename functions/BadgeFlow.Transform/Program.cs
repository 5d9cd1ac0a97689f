using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Transform;

// Cold start: settings, then every dependency once (HTTP client, credentials, clients, campus, key); then serve
// Firehose invocations.
return await LambdaHost.RunAsync(
    initialize: async (log, cancellationToken) =>
    {
        var settings = TransformSettings.Read(new EnvironmentSettings(Environment.GetEnvironmentVariable));
        var transport = await AwsEnvironment.CreateTransportAsync(AwsTransport.CreateHttpClient(), cancellationToken).ConfigureAwait(false);
        return await TransformStartup.CreateHandlerAsync(
                settings, new SsmParameterStore(transport), log, Console.Out, TimeProvider.System, cancellationToken)
            .ConfigureAwait(false);
    },
    requestType: EventsJsonContext.Default.FirehoseTransformationEvent,
    responseType: TransformResponseJson.Response).ConfigureAwait(false);
