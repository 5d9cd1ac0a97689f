using BadgeFlow.Local.Firehose;

namespace BadgeFlow.Local.Commands;

/// <summary>The command-line options of <see cref="FirehoseTiming"/>, shared by <c>demo</c> and <c>up</c> (exact names:
/// scripts and docs/LOCAL-STACK.md rely on them). Seconds are virtual seconds.</summary>
public static class FirehoseTimingOptions
{
    public static FirehoseTiming From(CommandLineArguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var defaults = new FirehoseTiming();
        return defaults with
        {
            CopyBase = Seconds(a, "copy-base-seconds", defaults.CopyBase),
            CopyPerMiB = Seconds(a, "copy-seconds-per-mb", defaults.CopyPerMiB),
            ColdWarehouse = Seconds(a, "cold-warehouse-seconds", defaults.ColdWarehouse),
            CopyBacklog = Seconds(a, "copy-backlog-seconds", defaults.CopyBacklog),
        };
    }

    private static TimeSpan Seconds(CommandLineArguments a, string name, TimeSpan defaultValue) =>
        TimeSpan.FromSeconds(a.Double(name, defaultValue.TotalSeconds, 0, 24 * 3600));
}
