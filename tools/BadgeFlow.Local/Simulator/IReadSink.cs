namespace BadgeFlow.Local.Simulator;

/// <summary>What the API said about one request: which reads (by position in the request) to send again, which it refused.</summary>
public sealed record SendOutcome(int StatusCode, int Accepted, IReadOnlyList<int> Rejected, IReadOnlyList<int> Resend, TimeSpan? RetryAfter)
{
    /// <summary>The API took none of them and said nothing per read (5xx, 429, a dropped connection): send them all again.</summary>
    public static SendOutcome ResendAll(int statusCode, int count, TimeSpan? retryAfter) =>
        new(statusCode, 0, [], Enumerable.Range(0, count).ToArray(), retryAfter);
}

/// <summary>Where reads go: the sensor API over HTTP, or a fake in tests.</summary>
public interface IReadSink
{
    Task<SendOutcome> SendAsync(IReadOnlyList<WireRead> reads, CancellationToken cancellationToken);

    /// <summary>Reads with different batch keys never share a request (the sensor API: one API key per key group).</summary>
    string BatchKey(WireRead read) => string.Empty;
}
