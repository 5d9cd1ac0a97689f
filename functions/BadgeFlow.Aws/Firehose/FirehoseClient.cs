using System.Text.Json;
using System.Text.Json.Serialization;
using BadgeFlow.Aws.Http;
using BadgeFlow.Domain;

namespace BadgeFlow.Aws.Firehose;

/// <summary>Amazon Data Firehose over JSON 1.1 (<c>Firehose_20150804.*</c>, botocore firehose 2015-08-04).</summary>
public sealed class FirehoseClient : IFirehose
{
    /// <summary>The operations this client calls.</summary>
    public static class Actions
    {
        public static readonly AwsAction PutRecordBatch = new(AwsService.Firehose, "PutRecordBatch");
        public static readonly AwsAction PutRecord = new(AwsService.Firehose, "PutRecord");
    }

    private readonly AwsTransport _transport;

    public FirehoseClient(AwsTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
    }

    public Task<PutRecordBatchResult> PutRecordBatchAsync(string deliveryStreamName, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
        => PutRecordBatchAsync(deliveryStreamName, records, notAfter: null, cancellationToken);

    public async Task<PutRecordBatchResult> PutRecordBatchAsync(string deliveryStreamName, IReadOnlyList<ReadOnlyMemory<byte>> records, DateTimeOffset? notAfter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deliveryStreamName);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count is 0 or > AwsQuotas.FirehoseMaxBatchRecords)
        {
            throw new ArgumentOutOfRangeException(nameof(records), records.Count, $"PutRecordBatch takes 1 to {AwsQuotas.FirehoseMaxBatchRecords} records.");
        }

        var wireRecords = new FirehoseWireRecord[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            wireRecords[i] = new FirehoseWireRecord(records[i]);
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new PutRecordBatchRequestWire(deliveryStreamName, wireRecords), FirehoseJsonContext.Default.PutRecordBatchRequestWire);
        var response = await _transport.SendJsonAsync(Actions.PutRecordBatch, body, notAfter, cancellationToken).ConfigureAwait(false);
        var wire = JsonSerializer.Deserialize(response.Body, FirehoseJsonContext.Default.PutRecordBatchResponseWire)
            ?? throw MalformedResponse("PutRecordBatch", response);

        var responses = wire.RequestResponses ?? [];
        if (responses.Count != records.Count)
        {
            // The model promises one entry per request record, in order; anything else cannot be matched up safely.
            throw MalformedResponse("PutRecordBatch", response, $"{responses.Count} entries for {records.Count} records");
        }

        var entries = new PutRecordBatchEntry[responses.Count];
        var failed = 0;
        for (var i = 0; i < responses.Count; i++)
        {
            var r = responses[i];
            var errorCode = string.IsNullOrEmpty(r.ErrorCode) ? null : r.ErrorCode;
            entries[i] = new PutRecordBatchEntry(r.RecordId, errorCode, r.ErrorMessage);
            failed += errorCode is null ? 0 : 1;
        }

        // Count failures from the entries: they are what the caller acts on; FailedPutCount is kept as reported.
        return new PutRecordBatchResult(Math.Max(wire.FailedPutCount, failed), entries) { Attempts = response.Attempts };
    }

    public async Task<string> PutRecordAsync(string deliveryStreamName, ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deliveryStreamName);
        var body = JsonSerializer.SerializeToUtf8Bytes(new PutRecordRequestWire(deliveryStreamName, new FirehoseWireRecord(record)), FirehoseJsonContext.Default.PutRecordRequestWire);
        var response = await _transport.SendJsonAsync(Actions.PutRecord, body, null, cancellationToken).ConfigureAwait(false);
        var wire = JsonSerializer.Deserialize(response.Body, FirehoseJsonContext.Default.PutRecordResponseWire);
        return wire?.RecordId ?? throw MalformedResponse("PutRecord", response);
    }

    private static AwsServiceException MalformedResponse(string operation, AwsResponse response, string? detail = null)
        => new("Firehose", "MalformedResponse", $"{operation} answered a body that does not match the model{(detail is null ? "" : ": " + detail)}.", 200, response.RequestId);
}

internal sealed record FirehoseWireRecord([property: JsonPropertyName("Data")] ReadOnlyMemory<byte> Data);

internal sealed record PutRecordBatchRequestWire(
    [property: JsonPropertyName("DeliveryStreamName")] string DeliveryStreamName,
    [property: JsonPropertyName("Records")] FirehoseWireRecord[] Records);

internal sealed record PutRecordRequestWire(
    [property: JsonPropertyName("DeliveryStreamName")] string DeliveryStreamName,
    [property: JsonPropertyName("Record")] FirehoseWireRecord Record);

internal sealed record PutRecordBatchResponseWire(
    [property: JsonPropertyName("FailedPutCount")] int FailedPutCount,
    [property: JsonPropertyName("Encrypted")] bool? Encrypted,
    [property: JsonPropertyName("RequestResponses")] List<PutRecordBatchResponseEntryWire>? RequestResponses);

internal sealed record PutRecordBatchResponseEntryWire(
    [property: JsonPropertyName("RecordId")] string? RecordId,
    [property: JsonPropertyName("ErrorCode")] string? ErrorCode,
    [property: JsonPropertyName("ErrorMessage")] string? ErrorMessage);

internal sealed record PutRecordResponseWire(
    [property: JsonPropertyName("RecordId")] string? RecordId,
    [property: JsonPropertyName("Encrypted")] bool? Encrypted);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutRecordBatchRequestWire))]
[JsonSerializable(typeof(PutRecordRequestWire))]
[JsonSerializable(typeof(PutRecordBatchResponseWire))]
[JsonSerializable(typeof(PutRecordResponseWire))]
internal sealed partial class FirehoseJsonContext : JsonSerializerContext;
