using BadgeFlow.Testing.Time;
using Microsoft.Extensions.Time.Testing;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.RedshiftData;
using BadgeFlow.Local.Tests.Support;
using BadgeFlow.Testing.Scripted;
using Microsoft.Extensions.Logging.Abstractions;

namespace BadgeFlow.Local.Tests.Firehose;

/// <summary>The local delivery stream on a clock the test moves: what the processor answers, when each stage happens in
/// (virtual) time, the durable intake log and the intake bound. Nothing here starts the pump: each test steps it.</summary>
public sealed class DeliveryStreamTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("badgeflow-firehose-").FullName;
    private readonly RecordingEngine _engine = new();
    private readonly ScriptedFunctions _transform = new();
    private readonly PipelineCounters _counters = new();
    private readonly FakeTimeProvider _clock = new(Created);

    // Retry back-off runs on the real clock; this one fires every delay at once.
    private readonly SteppingTimeProvider _real = new(Created);

    /// <summary>Only the COPY model under test: no cold wait, no per-MiB part unless a test sets it.</summary>
    private static readonly FirehoseTiming Warm = new() { CopyBase = TimeSpan.FromSeconds(10), CopyPerMiB = TimeSpan.Zero, ColdWarehouse = TimeSpan.Zero };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task StepAsync_TransformAnswersOkDroppedAndFailed_OkLoadedFailedKeptAndEveryReadAccounted()
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
        await SettleAsync(stream);

        Assert.Equal("{\"read_id\":\"r1\"}\n{\"read_id\":\"r2\"}\n{\"read_id\":\"r3\"}\n", Assert.Single(_engine.Loads).Text);
        var line = Assert.Single(FailedLines());
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
        Assert.Equal(0, stream.UndeliveredRecords);
    }

    [Fact]
    public async Task StepAsync_TransformFailsEveryAttempt_RetriedThenEveryRecordKeptAsFailed()
    {
        _transform.Answer(_ => ScriptedFunctions.Error("Runtime.ExitError"));
        await using var stream = Stream(retries: 2);

        stream.Put([Utf8("a\n"), Utf8("b\n")]);
        await SettleAsync(stream);

        Assert.Equal(3, _transform.Payloads.Count);
        Assert.Empty(_engine.Loads);
        var failed = FailedLines();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, l => Assert.Equal(3, l.GetProperty("attemptsMade").GetInt32()));
        Assert.All(failed, l => Assert.Equal("Lambda.FunctionError", l.GetProperty("errorCode").GetString()));
        Assert.Equal(["a\n", "b\n"], failed.Select(l => Encoding.UTF8.GetString(l.GetProperty("rawData").GetBytesFromBase64())).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(2, _counters.Snapshot().ReadsFailed);
        Assert.Equal(2, _counters.Snapshot().TransformRetries);
        Assert.Equal(0, stream.UndeliveredRecords);
    }

    [Fact]
    public async Task StepAsync_TransformOmitsARecordId_InvocationRetriedUntilTheAnswerIsComplete()
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
        await SettleAsync(stream);

        Assert.Equal(2, _transform.Payloads.Count);
        Assert.Equal("x\ny\n", Assert.Single(_engine.Loads).Text);
        Assert.Empty(FailedLines());
    }

    [Fact]
    public async Task Put_TransformationEvent_HasTheFirehoseShapeWithTheClocksArrivalTime()
    {
        _transform.Answer(payload => ScriptedFunctions.Ok($$"""{"records":[{"recordId":"{{RecordIds(payload)[0]}}","result":"Dropped"}]}"""));
        await using var stream = Stream(retries: 0);
        _clock.Advance(TimeSpan.FromSeconds(42.5));

        var ids = stream.Put([Utf8("{\"readId\":\"1\"}\n")]);
        await SettleAsync(stream);

        Assert.True(_transform.Payloads.TryPeek(out var payload));
        using var firehoseEvent = JsonDocument.Parse(payload);
        var root = firehoseEvent.RootElement;
        Assert.True(Guid.TryParse(root.GetProperty("invocationId").GetString(), out _));
        Assert.Equal("arn:aws:firehose:us-east-1:000000000000:deliverystream/reads", root.GetProperty("deliveryStreamArn").GetString());
        Assert.Equal("us-east-1", root.GetProperty("region").GetString());
        var record = Assert.Single(root.GetProperty("records").EnumerateArray());
        Assert.Equal(ids[0], record.GetProperty("recordId").GetString());
        // 2026-11-25T10:00:42.500Z: the (virtual) clock of the stream, not the machine's.
        Assert.Equal(1795600842500, record.GetProperty("approximateArrivalTimestamp").GetInt64());
        Assert.Equal("{\"readId\":\"1\"}\n", Encoding.UTF8.GetString(record.GetProperty("data").GetBytesFromBase64()));
    }

    [Fact]
    public async Task StepAsync_ReadAt101459_LoadedAfterProcessorIntervalDestinationIntervalAndCopy()
    {
        // A read at 10:14:30 opens the processor buffer; the one at 10:14:59 joins it. Processor cut 10:15:30 (60 s),
        // destination cut 10:20:30 (300 s), COPY 10:20:30 + 10 s: both visible at 10:20:40, before the 10:22 report.
        Echo();
        await using var stream = Stream(retries: 0, timing: Warm);
        await At("10:14:30", stream);
        stream.Put([Utf8("{\"read_id\":\"a\"}\n")]);
        await At("10:14:59", stream);
        stream.Put([Utf8("{\"read_id\":\"b\"}\n")]);

        await At("10:15:29.999", stream);
        Assert.Empty(_transform.Payloads);
        await At("10:15:30", stream);
        Assert.Single(_transform.Payloads);
        await At("10:20:39.999", stream);
        Assert.Empty(_engine.Loads);
        await At("10:20:40", stream);

        var load = Assert.Single(_engine.Loads);
        Assert.Equal("{\"read_id\":\"a\"}\n{\"read_id\":\"b\"}\n", load.Text);
        Assert.Equal(Time("10:20:40"), load.At);
        Assert.Equal(0, stream.UndeliveredRecords);
    }

    [Fact]
    public async Task StepAsync_CopySlowerThanTheDestinationInterval_CopiesQueueOneAtATime()
    {
        // 60 s buffers, 200 s COPYs. Records at 10:00, 10:01, 10:02 reach the destination at 10:01, 10:02, 10:03, whose
        // buffers are cut at 10:02, 10:03, 10:04. COPYs run 10:02–10:05:20, then 10:05:20–10:08:40, then –10:12:00.
        Echo();
        var timing = Warm with { CopyBase = TimeSpan.FromSeconds(200) };
        await using var stream = Stream(retries: 0, timing: timing, destinationInterval: TimeSpan.FromSeconds(60));
        foreach (var (time, id) in new[] { ("10:00:00", "a"), ("10:01:00", "b"), ("10:02:00", "c") })
        {
            await At(time, stream);
            stream.Put([Utf8($"{{\"read_id\":\"{id}\"}}\n")]);
        }

        await At("10:15:00", stream, step: TimeSpan.FromSeconds(1));

        Assert.Equal([Time("10:05:20"), Time("10:08:40"), Time("10:12:00")], _engine.Loads.Select(l => l.At).ToArray());
        Assert.Equal(["{\"read_id\":\"a\"}\n", "{\"read_id\":\"b\"}\n", "{\"read_id\":\"c\"}\n"], _engine.Loads.Select(l => l.Text).ToArray());
    }

    [Fact]
    public async Task StepAsync_CopyBacklogAndPerMiB_AddToEveryCopy()
    {
        // 2 MiB staged at 5 s per MiB, 10 s base, 600 s backlog: the COPY ends 620 s after the destination cut.
        Echo();
        var timing = Warm with { CopyPerMiB = TimeSpan.FromSeconds(5), CopyBacklog = TimeSpan.FromSeconds(600) };
        await using var stream = Stream(retries: 0, timing: timing, processorBytes: 4 * 1024 * 1024, destinationBytes: 2 * 1024 * 1024);
        var record = new byte[1024 * 1024];
        record.AsSpan().Fill((byte)'x');
        record[^1] = (byte)'\n';

        stream.Put([record, record]);
        await At("10:01:00", stream); // processor interval; the 2 MiB reaching the destination fills it: cut at once
        await At("10:11:19.999", stream);
        Assert.Empty(_engine.Loads);
        await At("10:11:20", stream);

        Assert.Equal(2 * 1024 * 1024, Assert.Single(_engine.Loads).Text.Length);
    }

    [Fact]
    public async Task StepAsync_SizeHintsReached_FlushedBeforeTheIntervals()
    {
        // 1 KiB processor buffer: the second 600-byte record cuts the first batch; a 1-byte destination buffer cuts as
        // soon as data arrives. Both batches are loaded by 10:00:20 with hour-long intervals, two 10 s COPYs in a row.
        Echo();
        await using var stream = Stream(retries: 0, timing: Warm, processorBytes: 1024, processorInterval: TimeSpan.FromHours(1), destinationBytes: 1, destinationInterval: TimeSpan.FromHours(1));
        var record = Utf8(new string('x', 599) + "\n");

        stream.Put([record, record]);
        await stream.StepAsync(CancellationToken.None);
        Assert.Single(_transform.Payloads); // only the first: the second waits for its buffer to fill or age
        await At("10:00:10", stream);
        Assert.Single(_engine.Loads);

        stream.Put([record]); // fills the second batch past 1 KiB: cut now, COPY 10:00:10–10:00:20
        await At("10:00:20", stream);
        Assert.Equal([Time("10:00:10"), Time("10:00:20")], _engine.Loads.Select(l => l.At).ToArray());
        Assert.Equal(1, stream.UndeliveredRecords);
    }

    [Fact]
    public async Task StepAsync_FirstCopyAfterTenIdleMinutes_WaitsForTheWarehouseToWake()
    {
        // Created 10:00; a read at 10:10 reaches its COPY at 10:16, 16 min after the last warehouse activity: +30 s cold.
        // The next COPY, 6 min later, finds the warehouse warm.
        Echo();
        var timing = Warm with { ColdWarehouse = TimeSpan.FromSeconds(30) };
        await using var stream = Stream(retries: 0, timing: timing);
        await At("10:10:00", stream);
        stream.Put([Utf8("{\"read_id\":\"a\"}\n")]);
        await At("10:16:00", stream);
        stream.Put([Utf8("{\"read_id\":\"b\"}\n")]);

        await At("10:30:00", stream, step: TimeSpan.FromSeconds(1));

        Assert.Equal([Time("10:16:40"), Time("10:22:10")], _engine.Loads.Select(l => l.At).ToArray());
    }

    [Fact]
    public async Task Recover_StreamStoppedWithRecordsBuffered_NextStreamOnTheFolderDeliversThemOnce()
    {
        Echo();
        var first = Stream(retries: 0, timing: Warm);
        first.Put([Utf8("{\"read_id\":\"a\"}\n"), Utf8("{\"read_id\":\"b\"}\n{\"read_id\":\"c\"}\n")]);
        await first.DisposeAsync(); // as if killed: nothing delivered

        Assert.Empty(_engine.Loads);
        await using (var second = Stream(retries: 0, timing: Warm, recover: false))
        {
            Assert.Equal(2, second.Recover());
            Assert.Equal(2, second.UndeliveredRecords);
            await SettleAsync(second);
        }

        Assert.Equal("{\"read_id\":\"a\"}\n{\"read_id\":\"b\"}\n{\"read_id\":\"c\"}\n", Assert.Single(_engine.Loads).Text);
        await using var third = Stream(retries: 0, timing: Warm, recover: false);
        Assert.Equal(0, third.Recover()); // the checkpoint says everything is settled
    }

    [Fact]
    public async Task Recover_LogEndsInATornEntry_WholeEntriesDeliveredAndLaterAppendsReadable()
    {
        Echo();
        var first = Stream(retries: 0, timing: Warm);
        first.Put([Utf8("{\"read_id\":\"a\"}\n")]);
        await first.DisposeAsync();
        var segment = Directory.GetFiles(Path.Combine(_directory, "intake"), "*.log").Single();
        await File.AppendAllTextAsync(segment, "\u0007\0\0\0\0\0\0"); // a header cut short by the kill

        await using (var second = Stream(retries: 0, timing: Warm, recover: false))
        {
            Assert.Equal(1, second.Recover());
            second.Put([Utf8("{\"read_id\":\"b\"}\n")]);
        }

        await using var third = Stream(retries: 0, timing: Warm, recover: false);
        Assert.Equal(2, third.Recover());
        await SettleAsync(third);
        Assert.Equal("{\"read_id\":\"a\"}\n{\"read_id\":\"b\"}\n", Assert.Single(_engine.Loads).Text);
    }

    [Fact]
    public async Task Put_UndeliveredPastTheBound_RefusesTheRecordsThatDoNotFitUntilDelivered()
    {
        Echo();
        await using var stream = Stream(retries: 0, timing: Warm with { MaxUndeliveredBytes = 1000 });
        var record = Utf8(new string('x', 399) + "\n");

        var ids = stream.Put([record, record, record]);

        Assert.NotNull(ids[0]);
        Assert.NotNull(ids[1]);
        Assert.Null(ids[2]);
        await SettleAsync(stream);
        Assert.All(stream.Put([record, record]), id => Assert.NotNull(id));
        Assert.Equal(4, _counters.Snapshot().RecordsIntoFirehose);
    }

    [Fact]
    public async Task PutRecordBatch_PastTheBound_AnswersServiceUnavailablePerRecordAsFirehoseDoes()
    {
        Echo();
        await using var firehose = new FirehoseService(
            new FirehoseEnvironment("us-east-1", "000000000000", _directory), _engine, _transform, _counters,
            Warm with { MaxUndeliveredBytes = 10 }, _clock, TimeProvider.System, NullLoggerFactory.Instance);
        firehose.Create(new CreateDeliveryStreamInput("reads", "DirectPut", null, null, new RedshiftDestinationConfiguration(
            null, null, new CopyCommand("badge_reads", null, null), null, null,
            new ProcessingConfiguration(true, [new Processor("Lambda", [new ProcessorParameter("LambdaArn", "Transform")])]))));
        var body = Utf8($$"""{"DeliveryStreamName":"reads","Records":[{"Data":"{{B64("12345678\n")}}"},{"Data":"{{B64("abc\n")}}"}]}""");

        using var answer = JsonDocument.Parse(await firehose.HandleAsync("PutRecordBatch", body, CancellationToken.None));

        var root = answer.RootElement;
        Assert.Equal(1, root.GetProperty("FailedPutCount").GetInt32());
        var entries = root.GetProperty("RequestResponses").EnumerateArray().ToArray();
        Assert.Equal(2, entries.Length);
        Assert.False(string.IsNullOrEmpty(entries[0].GetProperty("RecordId").GetString()));
        Assert.False(entries[0].TryGetProperty("ErrorCode", out _));
        Assert.False(entries[1].TryGetProperty("RecordId", out _));
        Assert.Equal("ServiceUnavailableException", entries[1].GetProperty("ErrorCode").GetString());
        Assert.Equal("Slow down.", entries[1].GetProperty("ErrorMessage").GetString());
    }

    private DeliveryStream Stream(
        int retries,
        FirehoseTiming? timing = null,
        long processorBytes = 1024 * 1024,
        TimeSpan? processorInterval = null,
        long destinationBytes = 128L * 1024 * 1024,
        TimeSpan? destinationInterval = null,
        bool recover = true)
    {
        var settings = new DeliveryStreamSettings(
            "reads", "arn:aws:firehose:us-east-1:000000000000:deliverystream/reads", "us-east-1", "Redshift",
            processorBytes, processorInterval ?? TimeSpan.FromSeconds(60), destinationBytes, destinationInterval ?? TimeSpan.FromSeconds(300),
            "Transform", "arn:aws:lambda:us-east-1:000000000000:function:Transform", retries,
            Path.Combine(_directory, "processing-failed"), Path.Combine(_directory, "intake"), "00001",
            new CreateDeliveryStreamInput("reads", null, null, null, null));
        var stream = new DeliveryStream(
            settings, timing ?? Warm, new WarehouseTableDestination(_engine, "badge_reads"), _transform, _counters, _clock, _real, NullLogger<DeliveryStream>.Instance);
        if (recover)
        {
            stream.Recover();
        }

        _engine.Clock = _clock;
        return stream;
    }

    /// <summary>Transform answers Ok with each record's data unchanged.</summary>
    private void Echo() => _transform.Answer(payload =>
    {
        using var document = JsonDocument.Parse(payload);
        var records = document.RootElement.GetProperty("records").EnumerateArray()
            .Select(r => $$"""{"recordId":"{{r.GetProperty("recordId").GetString()}}","result":"Ok","data":"{{r.GetProperty("data").GetString()}}"}""");
        return ScriptedFunctions.Ok("{\"records\":[" + string.Join(',', records) + "]}");
    });

    /// <summary>Moves the clock to <paramref name="time"/> (HH:mm:ss on the test's day), stepping the stream on the way
    /// every <paramref name="step"/> (once, at the end, by default: the timeline must not depend on the stepping).</summary>
    private async Task At(string time, DeliveryStream stream, TimeSpan? step = null)
    {
        var target = Time(time);
        while (step is { } by && _clock.GetUtcNow() + by < target)
        {
            _clock.Advance(by);
            await stream.StepAsync(CancellationToken.None);
        }

        _clock.Advance(target - _clock.GetUtcNow());
        await stream.StepAsync(CancellationToken.None);
    }

    /// <summary>Steps the clock a minute at a time until the stream has settled everything (at most a day).</summary>
    private async Task SettleAsync(DeliveryStream stream)
    {
        for (var i = 0; i < 24 * 60 && stream.UndeliveredRecords > 0; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            await stream.StepAsync(CancellationToken.None);
        }
    }

    private static DateTimeOffset Time(string time) =>
        DateTimeOffset.ParseExact("2026-11-25T" + time + "Z", ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"], System.Globalization.CultureInfo.InvariantCulture);

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

    /// <summary>Records what would be COPY'd, and when on the test's clock, and answers the line count as the warehouse does.</summary>
    private sealed class RecordingEngine : IStatementEngine
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Text, DateTimeOffset At)> Loads { get; } = new();

        public TimeProvider Clock { get; set; } = TimeProvider.System;

        public Task<StatementOutcome> ExecuteAsync(string sql, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<StatementOutcome>> ExecuteBatchAsync(IReadOnlyList<string> sqls, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<long> LoadJsonLinesAsync(string table, ReadOnlyMemory<byte> jsonLines, CancellationToken cancellationToken)
        {
            var text = Encoding.UTF8.GetString(jsonLines.Span);
            Loads.Enqueue((text, Clock.GetUtcNow()));
            return Task.FromResult((long)text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }
}
