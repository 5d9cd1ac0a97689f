namespace BadgeFlow.Local.Simulator;

/// <summary>The sensors' side of the closing account. Every read sent ends as accepted, rejected, or given up.</summary>
public sealed class SendCounters
{
    private long _sent;
    private long _accepted;
    private long _rejected;
    private long _gaveUp;
    private long _requests;
    private long _resent;
    private long _throttled;

    /// <summary>Distinct reads handed to the API (a read resent counts once).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Reads the API said it took.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Reads the API refused as invalid: resending them would not help.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Reads still not accepted when the attempts ran out.</summary>
    public long GaveUp => Interlocked.Read(ref _gaveUp);

    /// <summary>HTTP requests made, first attempts and retries.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Reads sent again because the API asked for it.</summary>
    public long Resent => Interlocked.Read(ref _resent);

    /// <summary>Responses that asked the sensor to slow down (429/503).</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Reads whose fate is known; equals <see cref="Sent"/> once sending has finished.</summary>
    public long Settled => Accepted + Rejected + GaveUp;

    internal void AddSent(long n) => Interlocked.Add(ref _sent, n);

    internal void AddAccepted(long n) => Interlocked.Add(ref _accepted, n);

    internal void AddRejected(long n) => Interlocked.Add(ref _rejected, n);

    internal void AddGaveUp(long n) => Interlocked.Add(ref _gaveUp, n);

    internal void AddRequest() => Interlocked.Increment(ref _requests);

    internal void AddResent(long n) => Interlocked.Add(ref _resent, n);

    internal void AddThrottled() => Interlocked.Increment(ref _throttled);
}
