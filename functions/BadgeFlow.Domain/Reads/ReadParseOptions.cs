namespace BadgeFlow.Domain.Reads;

/// <summary>Limits applied while parsing a request body.</summary>
public sealed class ReadParseOptions
{
    private string? _tooOldReason;
    private string? _tooFarAheadReason;

    /// <summary>Reads per request; one more stops parsing with <see cref="ReadBatchStatus.TooManyReads"/>.</summary>
    public int MaxReads { get; init; } = 1000;

    /// <summary>How far in the past <c>readAt</c> may be (DESIGN.md: 24 hours). Firehose keeps data 24 hours, so
    /// older reads could never be counted in a report anyway.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How far ahead of the receiving clock <c>readAt</c> may be (DESIGN.md: 5 minutes of sensor clock skew).</summary>
    public TimeSpan MaxAhead { get; init; } = TimeSpan.FromMinutes(5);

    internal string TooOldReason => _tooOldReason ??= $"must not be more than {Describe(MaxAge)} in the past";

    internal string TooFarAheadReason => _tooFarAheadReason ??= $"must not be more than {Describe(MaxAhead)} in the future";

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)span.TotalHours} hours"
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)span.TotalMinutes} minutes"
        : $"{span.TotalSeconds:0.###} seconds";
}
