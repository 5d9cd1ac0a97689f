using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Transform;

// Cold start: settings, then every dependency once (SSM client, campus, key); then serve Firehose invocations.
return await LambdaHost.RunAsync(
    initialize: async (log, cancellationToken) =>
    {
        var settings = TransformSettings.Read(Environment.GetEnvironmentVariable);
        var transport = await AwsEnvironment.CreateTransportAsync(AwsTransport.CreateHttpClient(), cancellationToken).ConfigureAwait(false);
        ILambdaHandler<FirehoseTransformationEvent, FirehoseTransformationResponse> handler =
            await TransformStartup.CreateHandlerAsync(
                settings, new SsmParameterStore(transport), log, Console.Out, TimeProvider.System, cancellationToken)
            .ConfigureAwait(false);
        return handler;
    },
    requestType: EventsJsonContext.Default.FirehoseTransformationEvent,
    responseType: TransformResponseJson.Response).ConfigureAwait(false);
