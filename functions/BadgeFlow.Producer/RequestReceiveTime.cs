using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Producer;

/// <summary>
/// When BadgeFlow received a request: API Gateway's <c>requestContext.requestTimeEpoch</c>, the moment the gateway took
/// the request (the same clock for every function instance, and in the local stack the virtual clock), so the
/// Aggregator's watermark (latest <c>received_at</c> loaded) is measured on the clock that decides which reads a
/// report could have seen. The function's own clock is the fallback when the field is absent or implausible.
/// </summary>
public static class RequestReceiveTime
{
    /// <summary>How far <c>requestTimeEpoch</c> may be from the function's clock. On AWS the two differ by at most the
    /// 29 s integration timeout; the local stack's virtual clock may be hours from the real one. A value outside this
    /// (0, seconds instead of milliseconds, garbage) is not a receive time.</summary>
    public static readonly TimeSpan MaxDistance = TimeSpan.FromHours(24);

    public static DateTimeOffset Of(ApiGatewayProxyRequest request, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        if (request.RequestContext?.RequestTimeEpoch is not { } epoch
            || epoch < DateTimeOffset.MinValue.ToUnixTimeMilliseconds()
            || epoch > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return now;
        }

        var received = DateTimeOffset.FromUnixTimeMilliseconds(epoch);
        return received.Subtract(now).Duration() <= MaxDistance ? received : now;
    }
}
