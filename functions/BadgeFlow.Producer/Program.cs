using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Campus;
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
        var keys = SensorKeyBinding.Create(await LoadCampusAsync(settings.CampusFile, cancellationToken).ConfigureAwait(false), settings.SensorKeyGroups);
        var transport = await AwsEnvironment.CreateTransportAsync(AwsTransport.CreateHttpClient(), cancellationToken).ConfigureAwait(false);

        var key = await new SsmParameterStore(transport).GetSecureStringAsync(settings.KeyParameterName, cancellationToken).ConfigureAwait(false);
        var pseudonymizer = BadgePseudonymizer.FromBase64Key(key);
        log.Information("Producer ready: stream {DeliveryStream}, records up to {MaxRecordBytes} bytes, {KeyCount} API keys bound to key groups",
            settings.DeliveryStreamName, settings.MaxRecordBytes, keys.GroupByKeyId.Count);

        var delivery = new ReadDelivery(new FirehoseClient(transport), settings.DeliveryStreamName, TimeProvider.System, new AwsRetryPolicy { MaxAttempts = 3 });
        return (ILambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse>)new ProducerHandler(
            settings, keys, pseudonymizer, new RecordPacker(settings.MaxRecordBytes), delivery, TimeProvider.System, Console.Out);
    },
    requestType: EventsJsonContext.Default.ApiGatewayProxyRequest,
    responseType: EventsJsonContext.Default.ApiGatewayProxyResponse);

// The campus decides which sensors each key group holds: CAMPUS_FILE when set, else the embedded functions/campus.json.
static async Task<CampusRegistry> LoadCampusAsync(string? campusFile, CancellationToken cancellationToken)
{
    if (campusFile is not null)
    {
        return CampusRegistry.Load(await File.ReadAllBytesAsync(campusFile, cancellationToken).ConfigureAwait(false));
    }

    await using var stream = typeof(ProducerHandler).Assembly.GetManifestResourceStream("campus.json")
        ?? throw new InvalidOperationException("The embedded resource campus.json is missing from the Producer.");
    var bytes = new byte[stream.Length];
    await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
    return CampusRegistry.Load(bytes);
}
