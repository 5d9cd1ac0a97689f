using System.Globalization;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Lambda;
using BadgeFlow.Local.Time;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace BadgeFlow.Local.Schedule;

/// <summary>One run of the schedule: the scheduled time it passed, the window that implies, and how it went.</summary>
public sealed record ScheduledRun(DateTimeOffset ScheduledTime, DateTimeOffset WindowStart, bool Succeeded, string? Error, int Attempts);

/// <summary>EventBridge Scheduler for the Aggregator, on virtual time: for each window [s, s+W) from the first one,
/// once the clock passes s + W + lag (:07, :22, :37, :52 with the defaults) it invokes the Aggregator with
/// <c>{"scheduledTime": s+W+lag}</c>, Firehose having delivered by then what its modelled timing delivered, no more
/// (the Aggregator's watermark decides whether that is complete). Windows run in order, each once; a failed run is retried (as the schedule's retry
/// policy would) up to <see cref="MaxAttempts"/> times and then reported as failed.</summary>
public sealed partial class AggregatorSchedule : IAsyncDisposable
{
    public const int MaxAttempts = 3;

    /// <summary>A failed invocation runs again after 1 s, then 2 s (wall clock: the run itself takes real time).</summary>
    private static readonly ResiliencePipeline<InvocationResult> RunRetry = new ResiliencePipelineBuilder<InvocationResult>()
        .AddRetry(new RetryStrategyOptions<InvocationResult>
        {
            MaxRetryAttempts = MaxAttempts - 1,
            Delay = TimeSpan.FromSeconds(1),
            BackoffType = DelayBackoffType.Linear,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Succeeded: false }),
        })
        .Build();

    private readonly VirtualClock _clock;
    private readonly IFunctionInvoker _functions;
    private readonly ScheduleSettings _settings;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Broadcast<ScheduledRun> _runs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _next = new();
    private DateTimeOffset _nextWindow; // written under _next (read by the demo's thread)
    private Task? _loop;

    public AggregatorSchedule(VirtualClock clock, IFunctionInvoker functions, ScheduleSettings settings, ILogger<AggregatorSchedule> logger)
    {
        _clock = clock;
        _functions = functions;
        _settings = settings;
        _logger = logger;
        _nextWindow = settings.FirstWindowStart;
    }

    public IObservable<ScheduledRun> Runs => _runs;

    /// <summary>The next window not yet reported.</summary>
    public DateTimeOffset NextWindowStart
    {
        get { lock (_next) { return _nextWindow; } }
    }

    /// <summary>How far the clock has passed the mark of the oldest run still owed: zero when the schedule keeps up. A
    /// demo that plays faster than this machine can report waits on it, so reports come at their marks.</summary>
    public TimeSpan Lag
    {
        get
        {
            var behind = _clock.GetUtcNow() - MarkOf(NextWindowStart);
            return behind > TimeSpan.Zero ? behind : TimeSpan.Zero;
        }
    }

    /// <summary>The window length (WINDOW_MINUTES): windows start this far apart, and so do their marks.</summary>
    public TimeSpan Window => _settings.Window;

    /// <summary>When the run for a window is due: its end plus the delivery lag.</summary>
    public DateTimeOffset MarkOf(DateTimeOffset windowStart) => windowStart + _settings.Window + _settings.DeliveryLag;

    public void Start() => _loop ??= LoopAsync(_stopping.Token);

    /// <summary>Runs every window whose mark the virtual clock has passed and that has not run yet.</summary>
    public async Task<IReadOnlyList<ScheduledRun>> RunDueAsync(CancellationToken cancellationToken)
    {
        var runs = new List<ScheduledRun>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (MarkOf(_nextWindow) <= _clock.GetUtcNow())
            {
                runs.Add(await RunWindowAsync(_nextWindow, cancellationToken).ConfigureAwait(false));
                lock (_next)
                {
                    _nextWindow += _settings.Window;
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        return runs;
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await _clock.WhenAsync(MarkOf(_nextWindow), stopping).ConfigureAwait(false);
                await RunDueAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<ScheduledRun> RunWindowAsync(DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        var scheduledTime = MarkOf(windowStart);
        var payload = $$"""{"scheduledTime":"{{scheduledTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}"}""";
        var attempt = 0;
        var body = System.Text.Encoding.UTF8.GetBytes(payload);
        var result = await RunRetry.ExecuteAsync(
            async token =>
            {
                attempt++;
                var outcome = await _functions.InvokeAsync(_settings.FunctionName, body, null, token).ConfigureAwait(false);
                if (!outcome.Succeeded)
                {
                    LogFailed(_logger, windowStart, attempt, outcome.ErrorType ?? "unknown");
                }

                return outcome;
            },
            cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            LogRan(_logger, windowStart, scheduledTime, attempt);
            var run = new ScheduledRun(scheduledTime, windowStart, true, null, attempt);
            _runs.Publish(run);
            return run;
        }

        var error = result.ErrorJson;
        var failed = new ScheduledRun(scheduledTime, windowStart, false, error, attempt);
        _runs.Publish(failed);
        return failed;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _runs.Complete();
        _stopping.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Aggregator reported the window from {WindowStart:u} (scheduled {ScheduledTime:u}, attempt {Attempt})")]
    private static partial void LogRan(ILogger logger, DateTimeOffset windowStart, DateTimeOffset scheduledTime, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Aggregator run for the window from {WindowStart:u} failed (attempt {Attempt}, {ErrorType})")]
    private static partial void LogFailed(ILogger logger, DateTimeOffset windowStart, int attempt, string errorType);
}

/// <summary>The function to run, the window length and delivery lag (its settings WINDOW_MINUTES and
/// DELIVERY_LAG_MINUTES) and the first window to report.</summary>
public sealed record ScheduleSettings(string FunctionName, TimeSpan Window, TimeSpan DeliveryLag, DateTimeOffset FirstWindowStart);
