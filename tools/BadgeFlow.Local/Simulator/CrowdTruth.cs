namespace BadgeFlow.Local.Simulator;

/// <summary>A zone's crowd in one window, as the simulator placed it.</summary>
public sealed record ZoneCrowd(string ZoneId, int Occupancy, int Footfall, double Density);

/// <summary>The crowd in one window: every observed zone, densest first.</summary>
public sealed record WindowCrowd(int Index, TimeSpan Start, TimeSpan End, AgendaActivity Activity, IReadOnlyList<ZoneCrowd> Zones)
{
    /// <summary>The densest zones, ties broken by zone id as a report would list them.</summary>
    public IEnumerable<string> Densest(int count) => Zones.Take(count).Select(z => z.ZoneId);
}

/// <summary>
/// Measures where the crowds were, with the report's definitions (occupancy: distinct badges whose latest read in the
/// window was in the zone; footfall: distinct badges read in the zone), from the reads the API will accept and map.
/// </summary>
internal static class CrowdTruth
{
    public static IReadOnlyList<WindowCrowd> Measure(ConferencePlan plan)
    {
        var windowMs = (long)plan.Options.WindowLength.TotalMilliseconds;
        var zones = plan.Campus.Zones.Count;
        var windows = plan.Agenda.Slots.Count;
        var result = new List<WindowCrowd>(windows);
        var lastZone = new int[plan.Badges];
        var footfall = new HashSet<long>();
        var i = 0;
        for (var w = 0; w < windows; w++)
        {
            Array.Fill(lastZone, -1);
            footfall.Clear();
            var end = (w + 1) * windowMs;
            for (; i < plan.Reads.Count && plan.Reads[i].OffsetMilliseconds < end; i++)
            {
                var read = plan.Reads[i];
                var zone = plan.ZoneOfSensor(read.Sensor);
                if (read.Has(SimulatedReadKind.Invalid) || zone < 0)
                {
                    continue;
                }

                lastZone[read.Badge] = zone;
                footfall.Add(((long)read.Badge * zones) + zone);
            }

            var occupancy = new int[zones];
            foreach (var zone in lastZone)
            {
                if (zone >= 0)
                {
                    occupancy[zone]++;
                }
            }

            var visits = new int[zones];
            foreach (var key in footfall)
            {
                visits[(int)(key % zones)]++;
            }

            var crowd = plan.Campus.Zones
                .Select((z, index) => new ZoneCrowd(z.Id, occupancy[index], visits[index], occupancy[index] / z.AreaSquareMetres))
                .OrderByDescending(z => z.Density)
                .ThenBy(z => z.ZoneId, StringComparer.Ordinal)
                .ToArray();
            var slot = plan.Agenda.Slots[w];
            result.Add(new WindowCrowd(w, slot.Start, slot.End, slot.Activity, crowd));
        }

        return result;
    }
}
