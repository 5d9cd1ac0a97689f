namespace BadgeFlow.Local.Simulator;

/// <summary>How far a playback has got.</summary>
public readonly record struct PlaybackProgress(TimeSpan Played, TimeSpan Duration, int ReadsHandedOver, int Reads);

/// <summary>
/// Plays a conference's reads in time order, one step of event time at a time: every read of a step is settled (accepted,
/// rejected or given up) before the step ends, so whoever moves the clock on afterwards knows the API has seen all reads
/// up to that moment.
/// </summary>
public sealed class ConferencePlayback(ConferencePlan plan, DateTimeOffset eventStart, ReadSender sender)
{
    public ConferencePlan Plan { get; } = plan;

    public DateTimeOffset EventStart { get; } = eventStart;

    /// <param name="step">Event time per step.</param>
    /// <param name="stepEnded">Called with the event time reached after each step (the demo moves its clock there).</param>
    /// <param name="progress">Told after each step.</param>
    public async Task PlayAsync(
        TimeSpan step,
        Func<TimeSpan, CancellationToken, Task> stepEnded,
        IProgress<PlaybackProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stepEnded);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var duration = Plan.Agenda.Duration;
        var next = 0;
        for (var played = TimeSpan.Zero; played < duration;)
        {
            played = played + step < duration ? played + step : duration;

            // The last step also takes the few reads stamped a moment after the end (a malformed copy of a final read).
            var until = played == duration ? Plan.Reads.Count : Plan.IndexAt(played);
            var wire = new WireRead[until - next];
            for (var i = 0; i < wire.Length; i++)
            {
                wire[i] = Plan.ToWire(Plan.Reads[next + i], EventStart);
            }

            await sender.SendAsync(wire, cancellationToken).ConfigureAwait(false);
            next = until;
            await stepEnded(played, cancellationToken).ConfigureAwait(false);
            progress?.Report(new PlaybackProgress(played, duration, next, Plan.Reads.Count));
        }
    }
}
