using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Schema;

// Cold start: settings, then every dependency once (HTTP client, credentials, clients); then answer CloudFormation's
// custom resource requests.
return await LambdaHost.RunAsync(
    initialize: async (log, cancellationToken) =>
    {
        var settings = SchemaSettings.Read(new EnvironmentSettings(Environment.GetEnvironmentVariable));
        var http = AwsTransport.CreateHttpClient();
        var transport = await AwsEnvironment.CreateTransportAsync(http, cancellationToken).ConfigureAwait(false);
        return await SchemaStartup.CreateHandlerAsync(
                settings, new RedshiftDataClient(transport), new HttpCloudFormationResponder(http, TimeProvider.System), log, TimeProvider.System)
            .ConfigureAwait(false);
    },
    requestType: EventsJsonContext.Default.CloudFormationCustomResourceRequest,
    responseType: EventsJsonContext.Default.CloudFormationCustomResourceResponse).ConfigureAwait(false);
