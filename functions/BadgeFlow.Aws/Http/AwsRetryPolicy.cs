namespace BadgeFlow.Aws.Http;

/// <summary>Bounds on retrying throttling, 5xx and transport failures: exponential backoff with full jitter
/// (delay = U(0,1) × min(MaxDelay, BaseDelay × 2^(attempt−1))), at most <see cref="MaxAttempts"/> attempts.</summary>
public sealed record AwsRetryPolicy
{
    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one HTTP attempt may take before it counts as a timeout (and is retried).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A retry is only started when at least this much time is left before the caller's deadline once the
    /// backoff has elapsed: a retry that cannot finish is worse than reporting the failure now.</summary>
    public TimeSpan MinimumAttemptTime { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>A uniform sample in [0, 1) for the jitter; tests pass a seeded source.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    public static AwsRetryPolicy Default { get; } = new();

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan BackoffBefore(int nextAttempt)
    {
        var exponent = Math.Min(nextAttempt - 2, 30);
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(Jitter() * ceiling);
    }

    /// <summary>Error codes that mean "slow down or try again" whatever the HTTP status.</summary>
    public static bool IsRetryableCode(string errorCode) => errorCode switch
    {
        "ThrottlingException" or "Throttling" or "ThrottledException" or "TooManyRequestsException"
            or "ProvisionedThroughputExceededException" or "RequestLimitExceeded" or "RequestThrottled"
            or "ServiceUnavailableException" or "ServiceUnavailable"
            or "InternalFailure" or "InternalError" or "InternalServerException" or "InternalServerError" => true,
        _ => false,
    };

    public static bool IsRetryable(AwsServiceException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode >= 500 || exception.StatusCode == 429 || IsRetryableCode(exception.ErrorCode);
    }
}
