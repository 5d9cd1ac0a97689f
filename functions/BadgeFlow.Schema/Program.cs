using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Schema;

// Cold start: settings and clients once; then answer CloudFormation's custom resource requests.
return await LambdaHost.RunAsync(
    initialize: async (log, cancellationToken) =>
    {
        var settings = SchemaSettings.Read(new EnvironmentSettings(Environment.GetEnvironmentVariable));
        var http = AwsTransport.CreateHttpClient();
        var transport = await AwsEnvironment.CreateTransportAsync(http, cancellationToken).ConfigureAwait(false);
        var runner = new StatementRunner(new RedshiftDataClient(transport), TimeProvider.System, StatementRunnerOptions.FromTimeout(settings.StatementTimeout));
        log.Information("Schema function ready: {Statements} DDL statements", WarehouseSchema.Statements.Count);
        ILambdaHandler<CloudFormationCustomResourceRequest, CloudFormationCustomResourceResponse> handler = new SchemaHandler(
            settings, runner, new HttpCloudFormationResponder(http, TimeProvider.System), TimeProvider.System, WarehouseSchema.Statements);
        return handler;
    },
    requestType: EventsJsonContext.Default.CloudFormationCustomResourceRequest,
    responseType: EventsJsonContext.Default.CloudFormationCustomResourceResponse).ConfigureAwait(false);
