using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.RedshiftData;
using BadgeFlow.Local.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace BadgeFlow.Local.Tests.Firehose;

public sealed class DeliveryStreamTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("badgeflow-firehose-").FullName;
    private readonly RecordingEngine _engine = new();
    private readonly ScriptedFunctions _transform = new();
    private readonly PipelineCounters _counters = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FlushAsync_TransformAnswersOkDroppedAndFailed_OkLoadedFailedKeptAndEveryReadAccounted()
    {
        // One record per outcome; the second record packs two reads, as the Producer packs them.
        _transform.Answer(payload =>
        {
            var ids = RecordIds(payload);
            return ScriptedFunctions.Ok($$"""
                {"records":[
                  {"recordId":"{{ids[0]}}","result":"Ok","data":"{{B64("{\"read_id\":\"r1\"}\n")}}"},
                  {"recordId":"{{ids[1]}}","result":"Ok","data":"{{B64("{\"read_id\":\"r2\"}\n{\"read_id\":\"r3\"}\n")}}"},
                  {"recordId":"{{ids[2]}}","result":"Dropped","data":""},
                  {"recordId":"{{ids[3]}}","result":"ProcessingFailed","data":"{{B64("bad")}}"}
                ]}
                """);
        });
        await using var stream = Stream(retries: 3);

        stream.Put([Utf8("a\n"), Utf8("b\nc\n"), Utf8("d\n"), Utf8("not json\n")]);
        await stream.FlushAsync(CancellationToken.None);

        Assert.Equal("{\"read_id\":\"r1\"}\n{\"read_id\":\"r2\"}\n{\"read_id\":\"r3\"}\n", Assert.Single(_engine.Loads));
        var failed = FailedLines();
        var line = Assert.Single(failed);
        Assert.Equal("Lambda.ProcessingFailed", line.GetProperty("errorCode").GetString());
        Assert.Equal(1, line.GetProperty("attemptsMade").GetInt32());
        Assert.Equal("not json\n", Encoding.UTF8.GetString(line.GetProperty("rawData").GetBytesFromBase64()));
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:Transform", line.GetProperty("lambdaArn").GetString());

        var counters = _counters.Snapshot();
        Assert.Equal(4, counters.RecordsIntoFirehose);
        Assert.Equal(5, counters.ReadsIntoFirehose);
        Assert.Equal(3, counters.ReadsLoaded);
        Assert.Equal(1, counters.ReadsDropped);
        Assert.Equal(1, counters.ReadsFailed);
        Assert.Equal(0, counters.ReadsBuffered);
    }

    [Fact]
    public async Task FlushAsync_TransformFailsEveryAttempt_RetriedThenEveryRecordKeptAsFailed()
    {
        _transform.Answer(_ => ScriptedFunctions.Error("Runtime.ExitError"));
        await using var stream = Stream(retries: 2);

        stream.Put([Utf8("a\n"), Utf8("b\n")]);
        await stream.FlushAsync(CancellationToken.None);

        Assert.Equal(3, _transform.Payloads.Count);
        Assert.Empty(_engine.Loads);
        var failed = FailedLines();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, l => Assert.Equal(3, l.GetProperty("attemptsMade").GetInt32()));
        Assert.All(failed, l => Assert.Equal("Lambda.FunctionError", l.GetProperty("errorCode").GetString()));
        Assert.Equal(["a\n", "b\n"], failed.Select(l => Encoding.UTF8.GetString(l.GetProperty("rawData").GetBytesFromBase64())).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(2, _counters.Snapshot().ReadsFailed);
        Assert.Equal(2, _counters.Snapshot().TransformRetries);
    }

    [Fact]
    public async Task FlushAsync_TransformOmitsARecordId_InvocationRetriedUntilTheAnswerIsComplete()
    {
        _transform
            .Answer(payload => ScriptedFunctions.Ok($$"""{"records":[{"recordId":"{{RecordIds(payload)[0]}}","result":"Ok","data":"{{B64("x\n")}}"}]}"""))
            .Answer(payload =>
            {
                var ids = RecordIds(payload);
                return ScriptedFunctions.Ok($$"""{"records":[{"recordId":"{{ids[0]}}","result":"Ok","data":"{{B64("x\n")}}"},{"recordId":"{{ids[1]}}","result":"Ok","data":"{{B64("y\n")}}"}]}""");
            });
        await using var stream = Stream(retries: 3);

        stream.Put([Utf8("a\n"), Utf8("b\n")]);
        await stream.FlushAsync(CancellationToken.None);

        Assert.Equal(2, _transform.Payloads.Count);
        Assert.Equal("x\ny\n", Assert.Single(_engine.Loads));
        Assert.Empty(FailedLines());
    }

    [Fact]
    public async Task Put_TransformationEvent_HasTheFirehoseShape()
    {
        _transform.Answer(payload => ScriptedFunctions.Ok($$"""{"records":[{"recordId":"{{RecordIds(payload)[0]}}","result":"Dropped"}]}"""));
        await using var stream = Stream(retries: 0);

        var ids = stream.Put([Utf8("{\"readId\":\"1\"}\n")]);
        await stream.FlushAsync(CancellationToken.None);

        Assert.True(_transform.Payloads.TryPeek(out var payload));
        using var firehoseEvent = JsonDocument.Parse(payload);
        var root = firehoseEvent.RootElement;
        Assert.True(Guid.TryParse(root.GetProperty("invocationId").GetString(), out _));
        Assert.Equal("arn:aws:firehose:us-east-1:000000000000:deliverystream/reads", root.GetProperty("deliveryStreamArn").GetString());
        Assert.Equal("us-east-1", root.GetProperty("region").GetString());
        var record = Assert.Single(root.GetProperty("records").EnumerateArray());
        Assert.Equal(ids[0], record.GetProperty("recordId").GetString());
        Assert.True(record.GetProperty("approximateArrivalTimestamp").GetInt64() > 0);
        Assert.Equal("{\"readId\":\"1\"}\n", Encoding.UTF8.GetString(record.GetProperty("data").GetBytesFromBase64()));
    }

    [Fact]
    public async Task Put_BufferSizeReached_DeliversWithoutAFlush()
    {
        _transform.Answer(payload => ScriptedFunctions.Ok(
            "{\"records\":[" + string.Join(',', RecordIds(payload).Select(id => $$"""{"recordId":"{{id}}","result":"Ok","data":"{{B64("r\n")}}"}""")) + "]}"));
        await using var stream = Stream(retries: 0, bufferBytes: 1024);

        stream.Put([new byte[600], new byte[600]]);
        for (var i = 0; i < 200 && _engine.Loads.IsEmpty; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal("r\n", Assert.Single(_engine.Loads));
    }

    private DeliveryStream Stream(int retries, long bufferBytes = 1024 * 1024)
    {
        var settings = new DeliveryStreamSettings(
            "reads", "arn:aws:firehose:us-east-1:000000000000:deliverystream/reads", "us-east-1", "Redshift", bufferBytes, TimeSpan.FromHours(1),
            "Transform", "arn:aws:lambda:us-east-1:000000000000:function:Transform", retries, Path.Combine(_directory, "processing-failed"), "00001",
            new CreateDeliveryStreamInput("reads", null, null, null, null));
        var stream = new DeliveryStream(settings, new WarehouseTableDestination(_engine, "badge_reads"), _transform, _counters, TimeProvider.System, NullLogger<DeliveryStream>.Instance);
        stream.Start();
        return stream;
    }

    private List<JsonElement> FailedLines()
    {
        var root = Path.Combine(_directory, "processing-failed");
        return !Directory.Exists(root)
            ? []
            : [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static string[] RecordIds(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return [.. document.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("recordId").GetString()!)];
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>Records what would be COPY'd and answers the line count, as the warehouse does.</summary>
    private sealed class RecordingEngine : IStatementEngine
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Loads { get; } = new();

        public Task<StatementOutcome> ExecuteAsync(string sql, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<StatementOutcome>> ExecuteBatchAsync(IReadOnlyList<string> sqls, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<long> LoadJsonLinesAsync(string table, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken)
        {
            var text = Encoding.UTF8.GetString(jsonLines.Span);
            Loads.Enqueue(text);
            return Task.FromResult((long)text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }
}
