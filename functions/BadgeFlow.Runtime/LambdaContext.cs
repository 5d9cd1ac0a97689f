namespace BadgeFlow.Runtime;

/// <summary>What the handler knows about the invocation it is serving: ids, deadline and a logger bound to the request.</summary>
public sealed class LambdaContext
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the context of one invocation. The runtime loop builds one per invocation; tests build their own.</summary>
    /// <param name="awsRequestId">The <c>Lambda-Runtime-Aws-Request-Id</c> of the invocation.</param>
    /// <param name="invokedFunctionArn">The <c>Lambda-Runtime-Invoked-Function-Arn</c> (function, version or alias ARN).</param>
    /// <param name="traceId">The <c>Lambda-Runtime-Trace-Id</c> X-Ray header, when Lambda sent one.</param>
    /// <param name="deadline">When Lambda stops the invocation (<c>Lambda-Runtime-Deadline-Ms</c>).</param>
    /// <param name="timeProvider">The clock <see cref="RemainingTime"/> is measured against.</param>
    /// <param name="logger">The function's logger; the context binds it to <paramref name="awsRequestId"/>.</param>
    /// <param name="cancellationToken">Cancelled a safety margin before <paramref name="deadline"/> (the loop arranges it).</param>
    public LambdaContext(
        string awsRequestId,
        string invokedFunctionArn,
        string? traceId,
        DateTimeOffset deadline,
        TimeProvider timeProvider,
        JsonLogger logger,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(awsRequestId);
        ArgumentNullException.ThrowIfNull(invokedFunctionArn);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        AwsRequestId = awsRequestId;
        InvokedFunctionArn = invokedFunctionArn;
        TraceId = traceId;
        Deadline = deadline;
        _timeProvider = timeProvider;
        Logger = logger.ForRequest(awsRequestId);
        CancellationToken = cancellationToken;
    }

    /// <summary>The request id Lambda assigned to this invocation.</summary>
    public string AwsRequestId { get; }

    /// <summary>The ARN the caller invoked (function, version or alias).</summary>
    public string InvokedFunctionArn { get; }

    /// <summary>The X-Ray trace header of the invocation, or <see langword="null"/> when tracing sent none.</summary>
    public string? TraceId { get; }

    /// <summary>When Lambda stops the invocation.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Time left before <see cref="Deadline"/>, never negative.</summary>
    public TimeSpan RemainingTime
    {
        get
        {
            var remaining = Deadline - _timeProvider.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    /// <summary>Cancelled a safety margin before <see cref="Deadline"/>, so the handler can still answer (or fail
    /// cleanly) before Lambda kills the invocation.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The function's logger; every line carries <see cref="AwsRequestId"/>.</summary>
    public JsonLogger Logger { get; }
}
