using Polly;
using Polly.Retry;

namespace BadgeFlow.Local.Simulator;

/// <summary>How reads leave: batch size, requests in flight, rate, and how hard to retry.</summary>
public sealed record ReadSenderOptions
{
    /// <summary>Reads per request (the API takes up to 1000). 1000 doubled the sender's pace on a quiet machine, which let
    /// the virtual clock outrun delivery in a 10-hour replay (docs/demo.md "Replay at scale"): kept at 500.</summary>
    public int BatchSize { get; init; } = 500;

    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Reads per second on average; 0 sends as fast as the API answers.</summary>
    public double ReadsPerSecond { get; init; }

    /// <summary>Attempts per read, the first included, before it is counted as given up.</summary>
    public int MaxAttempts { get; init; } = 8;

    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Sends reads in batches with bounded concurrency and rate, and resends exactly the reads each response says to send
/// again (after its Retry-After, or a growing backoff), until they are accepted, rejected, or the attempts run out.
/// </summary>
public sealed class ReadSender
{
    private readonly IReadSink _sink;
    private readonly TimeProvider _time;
    private readonly ReadSenderOptions _options;
    private readonly ReadRateLimiter _limiter;
    private readonly SemaphoreSlim _inFlight;
    private readonly IAcceptedReads? _acceptedReads;
    private readonly ResiliencePipeline<SendOutcome> _retry;

    /// <param name="acceptedReads">Told which reads each answer accepted (the demo's per-window completeness); null: nobody.</param>
    public ReadSender(IReadSink sink, TimeProvider time, ReadSenderOptions options, SendCounters counters, IAcceptedReads? acceptedReads = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        _sink = sink;
        _time = time;
        _options = options;
        Counters = counters;
        _limiter = new ReadRateLimiter(time, options.ReadsPerSecond);
        _inFlight = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _acceptedReads = acceptedReads;
        _retry = options.MaxAttempts == 1
            ? ResiliencePipeline<SendOutcome>.Empty
            : new ResiliencePipelineBuilder<SendOutcome> { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions<SendOutcome>
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Resend.Count: > 0 }),
                    // Polly numbers attempts from 0; the backoff from 1 (the attempt that was just answered).
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff(args.AttemptNumber + 1, args.Outcome.Result?.RetryAfter)),
                    UseJitter = false,
                })
                .Build();
    }

    public SendCounters Counters { get; }

    /// <summary>Sends <paramref name="reads"/> and returns once every one of them is settled.</summary>
    public async Task SendAsync(IReadOnlyList<WireRead> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var batches = new List<Task>();
        // One request carries one batch key's reads (the sensor API: one key group's); order is kept within a key.
        foreach (var group in reads.GroupBy(_sink.BatchKey, StringComparer.Ordinal))
        {
            var keyed = group.ToArray();
            for (var start = 0; start < keyed.Length; start += _options.BatchSize)
            {
                var batch = keyed.AsSpan(start, Math.Min(_options.BatchSize, keyed.Length - start)).ToArray();
                await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
                batches.Add(SendBatchReleasingAsync(batch, cancellationToken));
            }
        }

        await Task.WhenAll(batches).ConfigureAwait(false);
    }

    private async Task SendBatchReleasingAsync(IReadOnlyList<WireRead> batch, CancellationToken cancellationToken)
    {
        try
        {
            await SendBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task SendBatchAsync(IReadOnlyList<WireRead> batch, CancellationToken cancellationToken)
    {
        Counters.AddSent(batch.Count);
        var pending = batch;
        SendOutcome? previous = null;
        var last = await _retry.ExecuteAsync(
            async token =>
            {
                if (previous is { } answered)
                {
                    // A retry: exactly the reads the last answer said to send again.
                    var again = new WireRead[answered.Resend.Count];
                    for (var i = 0; i < again.Length; i++)
                    {
                        again[i] = pending[answered.Resend[i]];
                    }

                    Counters.AddResent(again.Length);
                    pending = again;
                }

                await _limiter.WaitAsync(pending.Count, token).ConfigureAwait(false);
                Counters.AddRequest();
                var outcome = await _sink.SendAsync(pending, token).ConfigureAwait(false);
                Counters.AddAccepted(outcome.Accepted);
                if (_acceptedReads is not null && outcome.Accepted > 0)
                {
                    _acceptedReads.Accepted(AcceptedOf(pending, outcome));
                }

                Counters.AddRejected(outcome.Rejected.Count);
                if (outcome.StatusCode is 429 or 503)
                {
                    Counters.AddThrottled();
                }

                previous = outcome;
                return outcome;
            },
            cancellationToken).ConfigureAwait(false);

        if (last.Resend.Count > 0)
        {
            Counters.AddGaveUp(last.Resend.Count);
        }
    }

    /// <summary>The reads an answer took: every read it neither rejected nor asked to have sent again (an answer
    /// accounts for each read exactly once, see SensorApiClient.Interpret).</summary>
    private static WireRead[] AcceptedOf(IReadOnlyList<WireRead> pending, SendOutcome outcome)
    {
        var notTaken = new HashSet<int>(outcome.Rejected);
        notTaken.UnionWith(outcome.Resend);
        var accepted = new WireRead[pending.Count - notTaken.Count];
        var next = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            if (!notTaken.Contains(i))
            {
                accepted[next++] = pending[i];
            }
        }

        return accepted;
    }

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < _options.MaxBackoff ? asked : _options.MaxBackoff;
        }

        var grown = _options.FirstBackoff * Math.Pow(2, attempt - 1);
        return grown < _options.MaxBackoff ? grown : _options.MaxBackoff;
    }
}
