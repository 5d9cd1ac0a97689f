namespace BadgeFlow.Aggregator.Completeness;

/// <summary>
/// Whether the warehouse held every read the Producer received before the window end when the report was counted.
/// <see cref="Watermark"/> is the latest <c>received_at</c> loaded; the data is complete once it reaches the window end.
/// </summary>
/// <param name="MissingReadsEstimate">For a provisional report: the window's loaded reads extrapolated at their own rate
/// over the part of the window the data does not reach yet; null when complete or when nothing of the window is loaded.</param>
public sealed record ReportCompleteness(bool Complete, DateTimeOffset? Watermark, TimeSpan? DataLag, long? MissingReadsEstimate)
{
    /// <summary>The rule, from the warehouse alone: complete when the watermark reached the window end.</summary>
    public static bool IsComplete(DateTimeOffset? watermark, DateTimeOffset windowEnd) => watermark is { } w && w >= windowEnd;

    /// <summary>Window end minus watermark, never negative (zero once the data reaches past the end); null without data.</summary>
    public static TimeSpan? LagOf(DateTimeOffset? watermark, DateTimeOffset windowEnd) =>
        watermark is { } w ? (w >= windowEnd ? TimeSpan.Zero : windowEnd - w) : null;

    public static ReportCompleteness Of(DateTimeOffset? watermark, DateTimeOffset windowStart, DateTimeOffset windowEnd, long windowReads)
    {
        if (IsComplete(watermark, windowEnd))
        {
            return new ReportCompleteness(true, watermark, TimeSpan.Zero, null);
        }

        long? missing = null;
        if (watermark is { } w && w > windowStart)
        {
            // Reads loaded so far arrived over [start, watermark); the rest of the window is assumed to run at that rate.
            var covered = (w - windowStart).TotalSeconds;
            var uncovered = (windowEnd - w).TotalSeconds;
            missing = (long)Math.Round(windowReads * uncovered / covered, MidpointRounding.AwayFromZero);
        }

        return new ReportCompleteness(false, watermark, LagOf(watermark, windowEnd), missing);
    }
}
