using System.Text.Json;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Transform;
using BenchmarkDotNet.Attributes;

namespace BadgeFlow.Bench.Transform;

/// <summary>Transform over a full-size (about 6 MB) Firehose event, against the blueprint-style baseline. Both start
/// from the deserialized event, as the runtime hands it over, and produce the same rows (checked in setup).
/// Figures per record: divide by <see cref="RecordCount"/> (printed in setup).</summary>
[MemoryDiagnoser]
public class TransformBenchmarks
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private FirehoseTransformationEvent _event = null!;
    private BlueprintTransform _blueprint = null!;
    private TransformHandler _handler = null!;
    private LambdaContext _context = null!;

    public int RecordCount => _event.Records.Count;

    [GlobalSetup]
    public void Setup()
    {
        var campus = CampusRegistry.Embedded();
        var pseudonymizer = new BadgePseudonymizer(Key);
        _event = FirehoseEventFactory.Create(campus, pseudonymizer, targetEventBytes: 6_000_000, seed: 20261125);
        _blueprint = new BlueprintTransform(campus, Key);

        // The real response limit would fail the records past 6 MB of output; the baseline has no limit, so lift it
        // to compare the same work.
        _handler = new TransformHandler(
            new BadgeReadTransformer(campus, pseudonymizer), new TransformOptions("BadgeFlow", long.MaxValue), TextWriter.Null, TimeProvider.System);
        _context = new LambdaContext(
            "bench", "arn:aws:lambda:us-east-1:123456789012:function:transform", null, DateTimeOffset.MaxValue,
            TimeProvider.System, new JsonLogger(TextWriter.Null));

        var ours = _handler.HandleAsync(_event, _context).GetAwaiter().GetResult();
        var theirs = _blueprint.Transform(_event);
        for (var i = 0; i < ours.Records.Count; i++)
        {
            if (ours.Records[i].Result != theirs.Records[i].Result || ours.Records[i].Data != theirs.Records[i].Data)
            {
                throw new InvalidOperationException($"Record {i}: the handler and the baseline disagree.");
            }
        }

        var eventBytes = JsonSerializer.SerializeToUtf8Bytes(_event, EventsJsonContext.Default.FirehoseTransformationEvent).Length;
        var responseBytes = JsonSerializer.SerializeToUtf8Bytes(ours, EventsJsonContext.Default.FirehoseTransformationResponse).Length;
        var reads = ours.Records.Sum(r => Convert.FromBase64String(r.Data ?? "").Count(b => b == '\n'));
        Console.WriteLine($"// Transform event: {RecordCount} records, {reads} reads, {eventBytes} bytes; response {responseBytes} bytes");
    }

    [Benchmark(Baseline = true)]
    public FirehoseTransformationResponse Blueprint() => _blueprint.Transform(_event);

    [Benchmark]
    public Task<FirehoseTransformationResponse> BadgeFlow() => _handler.HandleAsync(_event, _context);
}
