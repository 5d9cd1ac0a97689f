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
        var transport = new AwsTransport(
            AwsTransport.CreateHttpClient(),
            await AwsEnvironment.ResolveCredentialsAsync(cancellationToken).ConfigureAwait(false),
            AwsEnvironment.Region(Environment.GetEnvironmentVariable),
            TimeProvider.System,
            AwsRetryPolicy.Default,
            Environment.GetEnvironmentVariable);
        ILambdaHandler<FirehoseTransformationEvent, FirehoseTransformationResponse> handler =
            await TransformStartup.CreateHandlerAsync(
                settings, new SsmParameterStore(transport), log, Console.Out, TimeProvider.System, cancellationToken)
            .ConfigureAwait(false);
        return handler;
    },
    requestType: EventsJsonContext.Default.FirehoseTransformationEvent,
    responseType: EventsJsonContext.Default.FirehoseTransformationResponse).ConfigureAwait(false);
