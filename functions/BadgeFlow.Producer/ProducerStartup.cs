using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Producer;

/// <summary>Builds the handler at cold start: the campus (which sensors each key group holds), the API keys' groups and
/// the pseudonymization key from SSM; the handler then serves invocations with no I/O but Firehose. <c>Main</c> and the
/// tests compose it the same way.</summary>
public static class ProducerStartup
{
    public static async Task<ILambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse>> CreateHandlerAsync(
        ProducerSettings settings, IParameterStore parameters, IFirehose firehose, JsonLogger log, TextWriter metricsOutput,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(log);

        var keys = SensorKeyBinding.Create(
            await CampusRegistry.LoadAsync(settings.CampusFile, cancellationToken).ConfigureAwait(false), settings.SensorKeyGroups);
        var pseudonymizer = await PseudonymizationKey.LoadAsync(parameters, settings.KeyParameterName, cancellationToken).ConfigureAwait(false);
        log.Information("Producer ready: stream {DeliveryStream}, records up to {MaxRecordBytes} bytes, {KeyCount} API keys bound to key groups",
            settings.DeliveryStreamName, settings.MaxRecordBytes, keys.GroupByKeyId.Count);

        var delivery = new ReadDelivery(firehose, settings.DeliveryStreamName, time, new AwsRetryPolicy { MaxAttempts = 3 });
        return new ProducerHandler(settings, keys, pseudonymizer, new RecordPacker(settings.MaxRecordBytes), delivery, time, metricsOutput);
    }
}
