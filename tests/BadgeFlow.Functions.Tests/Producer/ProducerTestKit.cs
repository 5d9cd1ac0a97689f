using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Producer;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Scripted;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Functions.Tests.Producer;

/// <summary>A hand-written Firehose: answers each PutRecordBatch call with the next scripted behaviour (success for
/// every record when the script is exhausted) and records what it was sent.</summary>
internal sealed class FakeFirehose : IFirehose
{
    private readonly Queue<Func<IReadOnlyList<ReadOnlyMemory<byte>>, PutRecordBatchResult>> _script = new();
    private readonly List<byte[][]> _calls = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<byte[][]> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every byte Firehose accepted, in the order it was accepted.</summary>
    public List<byte[]> Accepted { get; } = [];

    public FakeFirehose Then(Func<IReadOnlyList<ReadOnlyMemory<byte>>, PutRecordBatchResult> behaviour)
    {
        _script.Enqueue(behaviour);
        return this;
    }

    /// <summary>Fails the records at the given positions of the call with ServiceUnavailableException.</summary>
    public FakeFirehose ThenFail(params int[] positions) => Then(records => new PutRecordBatchResult(
        positions.Length,
        [.. records.Select((_, i) => positions.Contains(i) ? new PutRecordBatchEntry(null, "ServiceUnavailableException", "Slow down.") : new PutRecordBatchEntry("rec-" + i, null, null))]));

    public FakeFirehose ThenThrow(Exception exception) => Then(_ => throw exception);

    public Task<PutRecordBatchResult> PutRecordBatchAsync(string deliveryStreamName, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
        => PutRecordBatchAsync(deliveryStreamName, records, null, cancellationToken);

    public Task<PutRecordBatchResult> PutRecordBatchAsync(string deliveryStreamName, IReadOnlyList<ReadOnlyMemory<byte>> records, DateTimeOffset? notAfter, CancellationToken cancellationToken)
    {
        Func<IReadOnlyList<ReadOnlyMemory<byte>>, PutRecordBatchResult>? behaviour;
        lock (_gate)
        {
            _calls.Add([.. records.Select(r => r.ToArray())]);
            _script.TryDequeue(out behaviour);
        }

        var result = behaviour?.Invoke(records) ?? new PutRecordBatchResult(0, [.. records.Select((_, i) => new PutRecordBatchEntry("rec-" + i, null, null))]);
        lock (_gate)
        {
            for (var i = 0; i < records.Count; i++)
            {
                if (result.Entries[i].Succeeded)
                {
                    Accepted.Add(records[i].ToArray());
                }
            }
        }

        return Task.FromResult(result);
    }

    public Task<string> PutRecordAsync(string deliveryStreamName, ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
        => throw new NotSupportedException("The Producer sends batches only.");
}

internal static class ProducerTestKit
{
    /// <summary>The scenario time of the sample events in events/producer (reads at 10:00, received at 10:01).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 1, 0, TimeSpan.Zero);

    /// <summary>A fixed 32-byte test key (bytes 0..31).</summary>
    public static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    /// <summary>The API key id of the sample events (events/producer) and of <see cref="Request"/>: the Venetian's key, as the local stack names it.</summary>
    public const string VenetianKeyId = "local-venetian";

    /// <summary>Another venue's key: MGM Grand's.</summary>
    public const string MgmKeyId = "local-mgm";

    public static readonly IReadOnlyDictionary<string, string> KeyGroups =
        new Dictionary<string, string> { [VenetianKeyId] = "venetian", [MgmKeyId] = "mgm" };

    /// <summary>The repository's campus (functions/campus.json), as the Producer embeds it.</summary>
    public static readonly CampusRegistry Campus = CampusRegistry.Embedded();

    public static ProducerSettings Settings(int maxRecordBytes = 5100, int maxReads = 1000, int maxBodyBytes = 1_048_576)
        => new("badge-reads", "/badgeflow/key", maxRecordBytes, maxReads, maxBodyBytes, "BadgeFlow", KeyGroups);

    public static ProducerHandler Handler(IFirehose firehose, TimeProvider time, TextWriter metrics, ProducerSettings? settings = null, AwsRetryPolicy? delivery = null)
    {
        settings ??= Settings();
        return new ProducerHandler(
            settings,
            SensorKeyBinding.Create(Campus, settings.SensorKeyGroups),
            new BadgePseudonymizer(Key),
            new RecordPacker(settings.MaxRecordBytes),
            new ReadDelivery(firehose, settings.DeliveryStreamName, time, delivery ?? new AwsRetryPolicy { MaxAttempts = 3, Jitter = () => 0 }),
            time,
            metrics);
    }

    public static LambdaContext Context(TimeProvider time, TextWriter log, TimeSpan? remaining = null, CancellationToken cancellationToken = default)
        => new("req-1", "arn:aws:lambda:us-east-1:123456789012:function:producer", null,
            time.GetUtcNow() + (remaining ?? TimeSpan.FromSeconds(10)), time, new JsonLogger(log, LogLevel.Debug, time), cancellationToken);

    /// <summary>The badge hash computed independently of BadgePseudonymizer: HMAC-SHA256 with the test key, base64url
    /// without padding.</summary>
    public static string BadgeHash(string badgeId)
        => Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(badgeId))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static ApiGatewayProxyRequest Event(string name)
        => JsonSerializer.Deserialize(File.ReadAllText(RepositoryPaths.Repo("events", "producer", name)), EventsJsonContext.Default.ApiGatewayProxyRequest)!;

    public static ApiGatewayProxyRequest Request(string contentType, string body, bool base64 = false, string? apiKeyId = VenetianKeyId) => new()
    {
        HttpMethod = "POST",
        Path = "/reads",
        RequestContext = new ApiGatewayProxyRequestContext { Identity = new ApiGatewayRequestIdentity { ApiKeyId = apiKeyId } },
        Headers = new Dictionary<string, string> { ["content-type"] = contentType },
        Body = base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(body)) : body,
        IsBase64Encoded = base64,
    };

    public static JsonElement BodyJson(ApiGatewayProxyResponse response) => JsonDocument.Parse(response.Body!).RootElement.Clone();

    public static int[] Indexes(JsonElement body, string list)
        => [.. body.GetProperty(list).EnumerateArray().Select(e => e.GetProperty("index").GetInt32())];

    /// <summary>Every wire line in the given Firehose records, parsed.</summary>
    public static List<JsonElement> Lines(IEnumerable<byte[]> records)
        => [.. records.SelectMany(r => Encoding.UTF8.GetString(r).Split('\n', StringSplitOptions.RemoveEmptyEntries)).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    public static string NdJsonRead(int i, string sensor = "venetian-l2-expo-a-s01", string? readAt = null, int? rssi = null)
        => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["sensorId"] = sensor,
            ["badgeId"] = $"BADGE-{i:D6}",
            ["readAt"] = readAt ?? Now.AddSeconds(-30).AddMilliseconds(i).ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", System.Globalization.CultureInfo.InvariantCulture),
            ["rssi"] = rssi ?? -(i % 100),
        });

    public static FakeTimeProvider Clock() => new(Now);
}
