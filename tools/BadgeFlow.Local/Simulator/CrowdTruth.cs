namespace BadgeFlow.Local.Simulator;

/// <summary>
/// A zone's true crowd in one window: <paramref name="Occupancy"/> at the window's last instant (what a report for the
/// window should say), the mean and peak over the window, the attendees who were in it at some point, and the density
/// at the window's end.
/// </summary>
public sealed record ZoneCrowd(string ZoneId, int Occupancy, int Footfall, double Density, double MeanOccupancy, int PeakOccupancy);

/// <summary>The true crowd in one window: every zone, densest at the window's end first.</summary>
public sealed record WindowCrowd(int Index, TimeSpan Start, TimeSpan End, AgendaActivity Activity, IReadOnlyList<ZoneCrowd> Zones)
{
    /// <summary>The densest zones, ties broken by zone id as a report would list them.</summary>
    public IEnumerable<string> Densest(int count) => Zones.Take(count).Select(z => z.ZoneId);
}

/// <summary>
/// Ground truth: where the attendees physically were, from their stays. Half-open stays and windows, in milliseconds:
/// the occupancy "at the window's end" counts the stays covering the window's last millisecond, the instant the report's
/// latest reads (read_at &lt; window end) describe.
/// </summary>
internal static class CrowdTruth
{
    public static IReadOnlyList<WindowCrowd> Measure(ConferencePlan plan)
    {
        var windowMs = (long)plan.Options.WindowLength.TotalMilliseconds;
        var zones = plan.Campus.Zones.Count;
        var windows = plan.Agenda.Slots.Count;

        // Stay boundaries as events, a departure before an arrival at the same instant (stays are half-open).
        var events = new (long At, int Zone, int Delta)[plan.Stays.Count * 2];
        var footfall = new HashSet<long>[windows];
        for (var w = 0; w < windows; w++)
        {
            footfall[w] = [];
        }

        var n = 0;
        foreach (var stay in plan.Stays)
        {
            events[n++] = (stay.FromMilliseconds, stay.Zone, +1);
            events[n++] = (stay.UntilMilliseconds, stay.Zone, -1);
            var first = (int)(stay.FromMilliseconds / windowMs);
            var last = (int)Math.Min(windows - 1, (stay.UntilMilliseconds - 1) / windowMs);
            for (var w = first; w <= last; w++)
            {
                footfall[w].Add(((long)stay.Attendee * zones) + stay.Zone);
            }
        }

        Array.Sort(events, static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Delta.CompareTo(b.Delta));

        var occupancy = new int[zones];
        var since = new long[zones];
        var personMs = new double[zones];
        var peak = new int[zones];
        var result = new List<WindowCrowd>(windows);
        var e = 0;
        for (var w = 0; w < windows; w++)
        {
            var start = w * windowMs;
            var end = start + windowMs;
            Array.Copy(occupancy, peak, zones);
            Array.Clear(personMs);
            Array.Fill(since, start);
            for (; e < events.Length && events[e].At < end; e++)
            {
                var (at, zone, delta) = events[e];
                personMs[zone] += occupancy[zone] * (double)(at - since[zone]);
                since[zone] = at;
                occupancy[zone] += delta;
                peak[zone] = Math.Max(peak[zone], occupancy[zone]);
            }

            var visits = new int[zones];
            foreach (var key in footfall[w])
            {
                visits[(int)(key % zones)]++;
            }

            var crowd = new ZoneCrowd[zones];
            for (var z = 0; z < zones; z++)
            {
                personMs[z] += occupancy[z] * (double)(end - since[z]);
                var zone = plan.Campus.Zones[z];
                crowd[z] = new ZoneCrowd(zone.Id, occupancy[z], visits[z], occupancy[z] / zone.AreaSquareMetres, personMs[z] / windowMs, peak[z]);
            }

            var slot = plan.Agenda.Slots[w];
            result.Add(new WindowCrowd(
                w, slot.Start, slot.End, slot.Activity,
                crowd.OrderByDescending(z => z.Density).ThenBy(z => z.ZoneId, StringComparer.Ordinal).ToArray()));
        }

        return result;
    }
}
