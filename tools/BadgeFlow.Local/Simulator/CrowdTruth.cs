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
    // A stay boundary packed in one long, so ten million of them sort as plain numbers: the instant, then departures
    // (0) before arrivals (1) at the same instant (stays are half-open), then the zone.
    private const int ZoneBits = 19;
    private const long ZoneMask = (1L << ZoneBits) - 1;

    public static IReadOnlyList<WindowCrowd> Measure(ConferencePlan plan)
    {
        var windowMs = (long)plan.Options.WindowLength.TotalMilliseconds;
        var zones = plan.Campus.Zones.Count;
        var windows = plan.Agenda.Slots.Count;
        if (zones > ZoneMask)
        {
            throw new InvalidOperationException($"The ground truth counts at most {ZoneMask} zones, not {zones}.");
        }

        // Footfall per window and zone: the attendees with a stay there. Stays come attendee by attendee, so marking each
        // (window, zone) with the last attendee counted there counts each attendee once, without a set per window.
        var events = new long[plan.Stays.Count * 2];
        var visits = new int[windows * zones];
        var counted = new int[windows * zones];
        var previous = -1;
        var n = 0;
        foreach (var stay in plan.Stays)
        {
            if (stay.Attendee < previous)
            {
                throw new InvalidOperationException("The plan's stays must come attendee by attendee.");
            }

            previous = stay.Attendee;
            events[n++] = (stay.FromMilliseconds << (ZoneBits + 1)) | (1L << ZoneBits) | (uint)stay.Zone;
            events[n++] = (stay.UntilMilliseconds << (ZoneBits + 1)) | (uint)stay.Zone;
            var first = (int)(stay.FromMilliseconds / windowMs);
            var last = (int)Math.Min(windows - 1, (stay.UntilMilliseconds - 1) / windowMs);
            for (var w = first; w <= last; w++)
            {
                var cell = (w * zones) + stay.Zone;
                if (counted[cell] != stay.Attendee + 1)
                {
                    counted[cell] = stay.Attendee + 1;
                    visits[cell]++;
                }
            }
        }

        Array.Sort(events);

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
            for (; e < events.Length && events[e] >> (ZoneBits + 1) < end; e++)
            {
                var at = events[e] >> (ZoneBits + 1);
                var zone = (int)(events[e] & ZoneMask);
                var delta = (events[e] & (1L << ZoneBits)) != 0 ? +1 : -1;
                personMs[zone] += occupancy[zone] * (double)(at - since[zone]);
                since[zone] = at;
                occupancy[zone] += delta;
                peak[zone] = Math.Max(peak[zone], occupancy[zone]);
            }

            var crowd = new ZoneCrowd[zones];
            for (var z = 0; z < zones; z++)
            {
                personMs[z] += occupancy[z] * (double)(end - since[z]);
                var zone = plan.Campus.Zones[z];
                crowd[z] = new ZoneCrowd(zone.Id, occupancy[z], visits[(w * zones) + z], occupancy[z] / zone.AreaSquareMetres, personMs[z] / windowMs, peak[z]);
            }

            var slot = plan.Agenda.Slots[w];
            result.Add(new WindowCrowd(
                w, slot.Start, slot.End, slot.Activity,
                crowd.OrderByDescending(z => z.Density).ThenBy(z => z.ZoneId, StringComparer.Ordinal).ToArray()));
        }

        return result;
    }
}
