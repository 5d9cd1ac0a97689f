using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Producer;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

// Main: everything is built once per cold start (settings, HTTP client, credentials, the key from SSM); the handler
// then serves invocations with no I/O but Firehose.
return await LambdaHost.RunAsync(
    initialize: async (JsonLogger log, CancellationToken cancellationToken) =>
    {
        var settings = ProducerSettings.FromEnvironment(Environment.GetEnvironmentVariable);
        var transport = await AwsEnvironment.CreateTransportAsync(AwsTransport.CreateHttpClient(), cancellationToken).ConfigureAwait(false);

        var key = await new SsmParameterStore(transport).GetSecureStringAsync(settings.KeyParameterName, cancellationToken).ConfigureAwait(false);
        var pseudonymizer = BadgePseudonymizer.FromBase64Key(key);
        log.Information("Producer ready: stream {DeliveryStream}, records up to {MaxRecordBytes} bytes", settings.DeliveryStreamName, settings.MaxRecordBytes);

        var delivery = new ReadDelivery(new FirehoseClient(transport), settings.DeliveryStreamName, TimeProvider.System, new AwsRetryPolicy { MaxAttempts = 3 });
        return (ILambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse>)new ProducerHandler(
            settings, pseudonymizer, new RecordPacker(settings.MaxRecordBytes), delivery, TimeProvider.System, Console.Out);
    },
    requestType: EventsJsonContext.Default.ApiGatewayProxyRequest,
    responseType: EventsJsonContext.Default.ApiGatewayProxyResponse);
