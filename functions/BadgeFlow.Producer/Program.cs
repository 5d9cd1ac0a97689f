using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Producer;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

// Cold start: settings, then every dependency once (HTTP client, credentials, clients, campus, key); then serve
// API Gateway invocations.
return await LambdaHost.RunAsync(
    initialize: async (log, cancellationToken) =>
    {
        var settings = ProducerSettings.Read(new EnvironmentSettings(Environment.GetEnvironmentVariable));
        var transport = await AwsEnvironment.CreateTransportAsync(AwsTransport.CreateHttpClient(), cancellationToken).ConfigureAwait(false);
        return await ProducerStartup.CreateHandlerAsync(
                settings, new SsmParameterStore(transport), new FirehoseClient(transport), log, Console.Out, TimeProvider.System, cancellationToken)
            .ConfigureAwait(false);
    },
    requestType: EventsJsonContext.Default.ApiGatewayProxyRequest,
    responseType: EventsJsonContext.Default.ApiGatewayProxyResponse).ConfigureAwait(false);
