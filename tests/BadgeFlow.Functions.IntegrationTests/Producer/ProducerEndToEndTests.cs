using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Producer;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing.Moto;
using BadgeFlow.Testing.Scripted;
using static BadgeFlow.Functions.Tests.Producer.ProducerTestKit;

namespace BadgeFlow.Functions.Tests.Producer;

/// <summary>The Producer built as Main builds it (key from SSM, the real Firehose client) against peers: moto's Firehose
/// delivering to moto's S3, and a scripted endpoint injecting partial failures.</summary>
[Trait("Category", "Integration")]
public sealed class ProducerEndToEndTests : IClassFixture<MotoServerFixture>
{
    private readonly MotoServer _moto;
    private readonly StringWriter _log = new();
    private readonly StringWriter _metrics = new();

    public ProducerEndToEndTests(MotoServerFixture moto) => _moto = moto.Server;

    private static AwsTransport Transport(Uri endpoint, TimeProvider time) => new(
        AwsTransport.CreateHttpClient(), new BasicAWSCredentials("testing", "testing"), MotoServer.Region, time,
        new AwsRetryPolicy { Jitter = () => 0 }, name => name == "AWS_ENDPOINT_URL" ? endpoint.ToString() : null);

    private static readonly string[] VenetianSensors = [.. Campus.Sensors.Where(s => s.KeyGroup == "venetian").Select(s => s.Id)];

    /// <summary>1,200 reads, every 10th invalid (bad sensor, too old, rssi out of range in turn).</summary>
    private static (string Body, int[] InvalidIndexes) MixedBody(int count)
    {
        var lines = new List<string>();
        var invalid = new List<int>();
        for (var i = 0; i < count; i++)
        {
            if (i % 10 == 9)
            {
                invalid.Add(i);
                lines.Add((i / 10 % 3) switch
                {
                    0 => NdJsonRead(i, sensor: "no spaces allowed"),
                    1 => NdJsonRead(i, readAt: "2026-11-20T10:00:00Z"),
                    _ => NdJsonRead(i, rssi: 40),
                });
            }
            else
            {
                lines.Add(NdJsonRead(i, sensor: VenetianSensors[i % 17]));
            }
        }

        return (string.Join("\n", lines), [.. invalid]);
    }

    [Fact]
    public async Task HandleAsync_MixedRequestAgainstMotoFirehose_DeliversEveryAcceptedReadExactlyOnceToS3()
    {
        using var resources = new MotoResources(_moto);
        await resources.CreateBucketAsync("e2e-reads");
        await resources.CreateS3DeliveryStreamAsync("e2e-stream", "e2e-reads", "raw/");
        await resources.PutSecureStringAsync("/badgeflow/e2e/key", Convert.ToBase64String(Key));

        // As Main: the key comes from SSM once; the Firehose client shares the transport.
        var clock = Clock();
        var transport = Transport(_moto.Url, clock);
        var pseudonymizer = BadgePseudonymizer.FromBase64Key(await new SsmParameterStore(transport).GetSecureStringAsync("/badgeflow/e2e/key", CancellationToken.None));
        var settings = Settings(maxRecordBytes: 512, maxReads: 2000) with { DeliveryStreamName = "e2e-stream" };
        var handler = new ProducerHandler(settings, SensorKeyBinding.Create(Campus, settings.SensorKeyGroups), pseudonymizer, new RecordPacker(settings.MaxRecordBytes),
            new ReadDelivery(new FirehoseClient(transport), settings.DeliveryStreamName, clock, new AwsRetryPolicy { MaxAttempts = 3, Jitter = () => 0 }),
            clock, _metrics);
        var (body, invalid) = MixedBody(1200);

        var response = await handler.HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        var json = BodyJson(response);
        Assert.Equal(invalid, Indexes(json, "rejectedReads"));
        Assert.Empty(json.GetProperty("failedReads").EnumerateArray());
        var accepted = json.GetProperty("acceptedReads").EnumerateArray().ToDictionary(a => a.GetProperty("readId").GetString()!, a => a.GetProperty("index").GetInt32());
        Assert.Equal(1200 - invalid.Length, accepted.Count);

        // One S3 object per PutRecordBatch call: 1,080 reads at two per 512-byte record need two batches.
        var objects = await resources.GetObjectsAsync("e2e-reads", "raw/");
        Assert.Equal(2, objects.Count);
        var lines = Lines(objects);
        Assert.Equal(accepted.Count, lines.Count);
        Assert.Equal(accepted.Keys.Order(StringComparer.Ordinal), lines.Select(l => l.GetProperty("readId").GetString()!).Order(StringComparer.Ordinal));
        foreach (var line in lines)
        {
            var index = accepted[line.GetProperty("readId").GetString()!];
            Assert.Equal(BadgeHash($"BADGE-{index:D6}"), line.GetProperty("badgeHash").GetString());
        }

        Assert.All(objects, o => Assert.DoesNotContain("BADGE-", Encoding.UTF8.GetString(o), StringComparison.Ordinal));
        Assert.DoesNotContain("BADGE-", _log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("BADGE-", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_InjectedPartialFirehoseFailure_AccountsForEveryReadAndFirehoseGotExactlyTheAccepted()
    {
        await using var endpoint = await ScriptedHttpEndpoint.StartAsync();
        var taken = new List<byte[]>();
        // Call 1: records 0 and 2 refused. Call 2 (their resend): the first refused again. Call 3: refused again — the
        // delivery gives up after three rounds and reports that record's reads as failed.
        endpoint.Enqueue(r => PartialFailure(r, [0, 2], taken))
            .Enqueue(r => PartialFailure(r, [0], taken))
            .Enqueue(r => PartialFailure(r, [0], taken));
        var clock = Clock();
        var settings = Settings(maxRecordBytes: 1024);
        var handler = new ProducerHandler(settings, SensorKeyBinding.Create(Campus, settings.SensorKeyGroups), new BadgePseudonymizer(Key), new RecordPacker(settings.MaxRecordBytes),
            new ReadDelivery(new FirehoseClient(Transport(endpoint.Url, clock)), settings.DeliveryStreamName, clock, new AwsRetryPolicy { MaxAttempts = 3, Jitter = () => 0 }),
            clock, _metrics);
        var (body, invalid) = MixedBody(60);

        var response = await handler.HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        Assert.Equal(3, endpoint.Requests.Count);
        var json = BodyJson(response);
        var accepted = Indexes(json, "acceptedReads");
        var rejected = Indexes(json, "rejectedReads");
        var failed = Indexes(json, "failedReads");
        Assert.Equal(invalid, rejected);
        Assert.NotEmpty(failed);
        Assert.Equal(Enumerable.Range(0, 60), accepted.Concat(rejected).Concat(failed).Order()); // every read, exactly once

        // What Firehose reported as taken is exactly the accepted reads, each once.
        var takenLines = Lines(taken);
        Assert.Equal(accepted.Select(i => BadgeHash($"BADGE-{i:D6}")).Order(), takenLines.Select(l => l.GetProperty("badgeHash").GetString()!).Order());
        // The failed reads are those of the record refused three times: the first record of the first call.
        var firstCall = FirehoseRecords(endpoint.Requests[0]);
        Assert.Equal(failed.Select(i => BadgeHash($"BADGE-{i:D6}")), Lines([firstCall[0]]).Select(l => l.GetProperty("badgeHash").GetString()));
        // Only refused records were sent again.
        Assert.Equal([firstCall[0], firstCall[2]], FirehoseRecords(endpoint.Requests[1]));
        Assert.Equal([firstCall[0]], FirehoseRecords(endpoint.Requests[2]));
    }

    private static List<byte[]> FirehoseRecords(RecordedRequest request)
    {
        using var json = JsonDocument.Parse(request.Body);
        return [.. json.RootElement.GetProperty("Records").EnumerateArray().Select(r => r.GetProperty("Data").GetBytesFromBase64())];
    }

    /// <summary>A PutRecordBatch answer refusing the records at <paramref name="refused"/>; the others are noted as taken.</summary>
    private static ScriptedResponse PartialFailure(RecordedRequest request, int[] refused, List<byte[]> taken)
    {
        var records = FirehoseRecords(request);
        var entries = records.Select((record, i) =>
        {
            if (refused.Contains(i))
            {
                return """{"ErrorCode":"ServiceUnavailableException","ErrorMessage":"Slow down."}""";
            }

            taken.Add(record);
            return $$"""{"RecordId":"rec-{{taken.Count}}"}""";
        });
        return ScriptedResponse.Json(200, $$"""{"FailedPutCount":{{refused.Count(i => i < records.Count)}},"Encrypted":false,"RequestResponses":[{{string.Join(",", entries)}}]}""");
    }
}
