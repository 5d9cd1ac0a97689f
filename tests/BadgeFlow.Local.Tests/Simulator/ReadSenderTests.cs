using System.Collections.Concurrent;
using BadgeFlow.Local.Simulator;
using BadgeFlow.Testing.Time;

namespace BadgeFlow.Local.Tests.Simulator;

public sealed class ReadSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SendAsync_ResponseAsksToResendSome_ResendsExactlyThose()
    {
        // First answer: read 1 refused for good, reads 2 and 4 to send again after 3 s; second answer: all taken.
        var sink = new ScriptedSink(
            (reads, attempt) => attempt == 1
                ? new SendOutcome(207, 2, [1], [2, 4], TimeSpan.FromSeconds(3))
                : new SendOutcome(200, reads.Count, [], [], null));
        var time = new SteppingTimeProvider(Now);
        var sender = new ReadSender(sink, time, new ReadSenderOptions { BatchSize = 10 }, new SendCounters());

        await sender.SendAsync(Reads(5), CancellationToken.None);

        Assert.Equal(2, sink.Requests.Count);
        Assert.Equal(["s2", "s4"], sink.Requests[1].Select(r => r.SensorId));
        Assert.Equal([TimeSpan.FromSeconds(3)], time.Waits);
        var c = sender.Counters;
        Assert.Equal((5L, 4L, 1L, 0L, 2L, 2L), (c.Sent, c.Accepted, c.Rejected, c.GaveUp, c.Requests, c.Resent));
    }

    [Fact]
    public async Task SendAsync_ApiKeepsFailing_GivesUpAfterMaxAttemptsWithGrowingBackoff()
    {
        var sink = new ScriptedSink((reads, _) => SendOutcome.ResendAll(503, reads.Count, null));
        var time = new SteppingTimeProvider(Now);
        var options = new ReadSenderOptions { BatchSize = 10, MaxAttempts = 4, FirstBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(300) };
        var sender = new ReadSender(sink, time, options, new SendCounters());

        await sender.SendAsync(Reads(3), CancellationToken.None);

        Assert.Equal(4, sink.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300)], time.Waits);
        var c = sender.Counters;
        Assert.Equal((3L, 0L, 0L, 3L, 4L), (c.Sent, c.Accepted, c.Rejected, c.GaveUp, c.Throttled));
        Assert.Equal(c.Sent, c.Settled);
    }

    [Fact]
    public async Task SendAsync_ManyReads_SplitsIntoBatchesAndSettlesEveryRead()
    {
        var sink = new ScriptedSink((reads, _) => new SendOutcome(200, reads.Count, [], [], null));
        var sender = new ReadSender(sink, new SteppingTimeProvider(Now), new ReadSenderOptions { BatchSize = 4, MaxConcurrency = 2 }, new SendCounters());

        await sender.SendAsync(Reads(10), CancellationToken.None);

        Assert.Equal([2, 4, 4], sink.Requests.Select(r => r.Count).Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"s{i}").Order(), sink.Requests.SelectMany(r => r).Select(r => r.SensorId).Order());
        Assert.Equal((10L, 10L), (sender.Counters.Sent, sender.Counters.Accepted));
    }

    [Fact]
    public async Task SendAsync_ReadsOfTwoBatchKeys_NeverShareARequestAndKeepTheirOrder()
    {
        // Even sensors in key "A", odd in "B" (the sensor API: one API key per key group).
        var sink = new ScriptedSink((reads, _) => new SendOutcome(200, reads.Count, [], [], null), r => int.Parse(r.SensorId[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? "A" : "B");
        var sender = new ReadSender(sink, new SteppingTimeProvider(Now), new ReadSenderOptions { BatchSize = 3, MaxConcurrency = 1 }, new SendCounters());

        await sender.SendAsync(Reads(10), CancellationToken.None);

        Assert.Equal(
            [["s0", "s2", "s4"], ["s6", "s8"], ["s1", "s3", "s5"], ["s7", "s9"]],
            sink.Requests.Select(r => r.Select(x => x.SensorId).ToArray()).ToArray());
        Assert.Equal((10L, 10L), (sender.Counters.Sent, sender.Counters.Accepted));
    }

    [Fact]
    public async Task WaitAsync_RateOf100ReadsPerSecond_Spaces500ReadBatchesFiveSecondsApart()
    {
        var time = new SteppingTimeProvider();
        var limiter = new ReadRateLimiter(time, 100);

        await limiter.WaitAsync(500, CancellationToken.None);
        await limiter.WaitAsync(500, CancellationToken.None);
        await limiter.WaitAsync(500, CancellationToken.None);

        // The first goes at once; each next one waits for the previous batch's 5 s share.
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], time.Waits);
    }

    private static WireRead[] Reads(int count) =>
        Enumerable.Range(0, count).Select(i => new WireRead { SensorId = $"s{i}", BadgeId = "b", ReadAt = "2026-11-25T10:00:00.000Z", Rssi = -60 }).ToArray();

    private sealed class ScriptedSink(Func<IReadOnlyList<WireRead>, int, SendOutcome> answer, Func<WireRead, string>? batchKey = null) : IReadSink
    {
        private readonly ConcurrentQueue<IReadOnlyList<WireRead>> _requests = new();
        private int _attempt;

        public IReadOnlyList<IReadOnlyList<WireRead>> Requests => _requests.ToArray();

        public Task<SendOutcome> SendAsync(IReadOnlyList<WireRead> reads, CancellationToken cancellationToken)
        {
            _requests.Enqueue(reads.ToArray());
            return Task.FromResult(answer(reads, Interlocked.Increment(ref _attempt)));
        }

        public string BatchKey(WireRead read) => batchKey?.Invoke(read) ?? string.Empty;
    }
}
