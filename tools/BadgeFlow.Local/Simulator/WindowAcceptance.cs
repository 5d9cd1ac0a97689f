using System.Collections.Concurrent;
using System.Globalization;

namespace BadgeFlow.Local.Simulator;

/// <summary>Told of the reads the API accepted, as each answer arrives.</summary>
public interface IAcceptedReads
{
    void Accepted(IReadOnlyList<WireRead> reads);
}

/// <summary>
/// Per reporting window (by the read's <c>readAt</c>), the reads the API accepted before that window ended, by the
/// clock given (the stack's virtual clock in the demo), and those it accepted later. The first are the reads a report
/// published after the window end can be expected to count (docs/demo.md, "Completeness").
/// </summary>
public sealed class WindowAcceptance(TimeSpan window, TimeProvider clock) : IAcceptedReads
{
    private readonly ConcurrentDictionary<DateTimeOffset, long> _beforeEnd = new();
    private readonly ConcurrentDictionary<DateTimeOffset, long> _afterEnd = new();

    public void Accepted(IReadOnlyList<WireRead> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var now = clock.GetUtcNow();
        foreach (var read in reads)
        {
            var start = WindowOf(DateTimeOffset.Parse(read.ReadAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
            (now < start + window ? _beforeEnd : _afterEnd).AddOrUpdate(start, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Reads of the window starting at <paramref name="windowStart"/> accepted before its end.</summary>
    public long BeforeEnd(DateTimeOffset windowStart) => _beforeEnd.GetValueOrDefault(windowStart);

    /// <summary>Reads of the window accepted at or after its end (late: no report at the window's mark can be expected to have them).</summary>
    public long AfterEnd(DateTimeOffset windowStart) => _afterEnd.GetValueOrDefault(windowStart);

    private DateTimeOffset WindowOf(DateTimeOffset readAt) => new(readAt.UtcTicks - (readAt.UtcTicks % window.Ticks), TimeSpan.Zero);
}
