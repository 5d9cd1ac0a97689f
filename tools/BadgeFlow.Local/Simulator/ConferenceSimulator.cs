using System.Runtime.InteropServices;
using BadgeFlow.Domain.Campus;

namespace BadgeFlow.Local.Simulator;

/// <summary>
/// Plays a conference on a campus: attendees arrive through registration, follow the agenda (keynote, session blocks,
/// breaks, lunch) with some wandering off to the expo and lounges, cross corridors between zones, and are read by the
/// sensors of the zones they are in. Everything comes from one seed: the same seed gives the same reads.
/// </summary>
public static class ConferenceSimulator
{
    /// <summary>Sensors that exist on site but not in the registry: their reads are loaded with no zone.</summary>
    public static readonly IReadOnlyList<string> UnmappedSensorIds = ["SIM-STAFF-DOOR-1", "SIM-STAFF-DOOR-2"];

    public static ConferencePlan Plan(SimulatedCampus campus, ConferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(campus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var agenda = ConferenceAgenda.Build(options.Duration, options.WindowLength);
        var sensors = new List<string>();
        var sensorZone = new List<int>();
        var zoneSensors = new int[campus.Zones.Count][];
        for (var z = 0; z < campus.Zones.Count; z++)
        {
            var ids = campus.Zones[z].SensorIds.Order(StringComparer.Ordinal).ToArray();
            zoneSensors[z] = new int[ids.Length];
            for (var s = 0; s < ids.Length; s++)
            {
                zoneSensors[z][s] = sensors.Count;
                sensors.Add(ids[s]);
                sensorZone.Add(z);
            }
        }

        var firstUnmappedSensor = sensors.Count;
        foreach (var id in UnmappedSensorIds)
        {
            sensors.Add(id);
            sensorZone.Add(-1);
        }

        var dead = new bool[sensors.Count];
        foreach (var id in options.DeadSensorIds)
        {
            var index = sensors.IndexOf(id);
            dead[index >= 0 ? index : throw new ArgumentException($"Dead sensor {id} is not on the campus.")] = true;
        }

        var blockedCorridor = -1;
        if (options.BlockedCorridorId is { } blocked)
        {
            blockedCorridor = campus.ZoneIndex.TryGetValue(blocked, out var b) && campus.Zones[b].Kind is ZoneKind.Corridor
                ? b
                : throw new ArgumentException($"The blocked corridor {blocked} is not a corridor of the campus.");
        }

        var master = new Random(options.Seed);
        var popularity = DrawPopularity(master, agenda, campus.Zones.Count);
        var crush = Crush.None;
        if (blockedCorridor >= 0)
        {
            // The blockage forms when the last keynote lets out and clears for everyone at once.
            var forms = agenda.Slots.LastOrDefault(s => s.Activity is AgendaActivity.Keynote)?.End
                ?? throw new ArgumentException("A crush needs a keynote on the agenda.");
            var hold = options.CrushHold.Min + ((options.CrushHold.Max - options.CrushHold.Min) * master.NextDouble());
            crush = new Crush(blockedCorridor, forms, forms + hold, (int)(options.CrushJamDensity * campus.Zones[blockedCorridor].AreaSquareMetres));
        }

        // Sized for what the default rates make (about 0.3 reads and 0.13 stays per attendee-minute, 10 M reads for 60,000
        // attendees over 10 hours), so the lists rarely grow: a growing list holds its old and new arrays at once.
        var minutes = agenda.Duration.TotalMinutes;
        var reads = new List<SimulatedRead>((int)Math.Min(Array.MaxLength, options.Attendees * ((0.3 * minutes) + 8)));
        var stays = new List<SimulatedStay>((int)Math.Min(Array.MaxLength, options.Attendees * ((0.14 * minutes) + 4)));
        var day = new AttendeeDay(campus, agenda, options, zoneSensors, popularity, dead, crush, stays);
        for (var attendee = 0; attendee < options.Attendees; attendee++)
        {
            // Movements and reads draw from separate streams, so sensors that read differently (a scenario) see the very
            // same crowd move.
            day.Play(attendee, new Random(SubSeed(options.Seed, attendee)), new Random(SubSeed(~options.Seed, attendee)), reads);
        }

        var ordinary = reads.Count;
        var staffBadges = Math.Max(1, options.Attendees / 100);
        var unmapped = (int)Math.Round(ordinary * options.UnmappedSensorRate);
        var durationMs = (long)agenda.Duration.TotalMilliseconds;
        for (var i = 0; i < unmapped; i++)
        {
            reads.Add(new SimulatedRead(
                master.NextInt64(durationMs),
                options.Attendees + master.Next(staffBadges),
                firstUnmappedSensor + master.Next(UnmappedSensorIds.Count),
                Rssi(master),
                SimulatedReadKind.Unmapped));
        }

        var invalid = (int)Math.Round(ordinary * options.InvalidReadRate);
        for (var i = 0; i < invalid; i++)
        {
            // A faulty sensor reports a positive signal strength, which no radio can measure: the API rejects it.
            var like = reads[master.Next(ordinary)];
            reads.Add(like with { OffsetMilliseconds = like.OffsetMilliseconds + 1, Rssi = (short)(1 + master.Next(20)), Kind = SimulatedReadKind.Invalid });
        }

        // Sorted in place (no second copy of ten million reads), with a struct comparer the sort inlines.
        CollectionsMarshal.AsSpan(reads).Sort(default(ReadOrder));

        return new ConferencePlan(campus, agenda, options, reads, sensors, sensorZone, options.Attendees + staffBadges, stays);
    }

    /// <summary>The plan's order: by time, then badge, then sensor.</summary>
    private readonly struct ReadOrder : IComparer<SimulatedRead>
    {
        public int Compare(SimulatedRead a, SimulatedRead b)
        {
            var c = a.OffsetMilliseconds.CompareTo(b.OffsetMilliseconds);
            if (c != 0)
            {
                return c;
            }

            c = a.Badge.CompareTo(b.Badge);
            return c != 0 ? c : a.Sensor.CompareTo(b.Sensor);
        }
    }

    /// <summary>A seed per attendee, so an attendee's day does not depend on how many reads the others drew.</summary>
    internal static int SubSeed(int seed, int index)
    {
        // SplitMix64 finaliser: well spread, and unlike HashCode the same in every process.
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>How much each zone draws in each slot: some sessions are hot, some food courts are the popular ones.</summary>
    private static double[][] DrawPopularity(Random random, ConferenceAgenda agenda, int zones)
    {
        var popularity = new double[agenda.Slots.Count][];
        for (var s = 0; s < popularity.Length; s++)
        {
            popularity[s] = new double[zones];
            for (var z = 0; z < zones; z++)
            {
                popularity[s][z] = 0.4 + (1.6 * random.NextDouble());
            }
        }

        return popularity;
    }

    internal static short Rssi(Random random)
    {
        // Roughly normal around -62 dBm (Box-Muller), clamped to what a badge reader reports.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return (short)Math.Clamp(Math.Round(-62 + (9 * normal)), -110, -25);
    }

    /// <summary>A blocked corridor: from when to when its exit is blocked, and how many people it holds when jammed.</summary>
    private sealed record Crush(int Corridor, TimeSpan Forms, TimeSpan Clears, int JamCapacity)
    {
        public static readonly Crush None = new(-1, TimeSpan.Zero, TimeSpan.Zero, 0);

        public bool BlockedAt(TimeSpan t) => Corridor >= 0 && t >= Forms && t < Clears;
    }

    /// <summary>One attendee's day: where they go and when, and the reads the sensors make of them.</summary>
    private sealed class AttendeeDay(
        SimulatedCampus campus,
        ConferenceAgenda agenda,
        ConferenceOptions options,
        int[][] zoneSensors,
        double[][] popularity,
        bool[] deadSensor,
        Crush crush,
        List<SimulatedStay> stays)
    {
        private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
        private readonly List<SimulatedRead> _mine = new(64);

        // Who went through each door in each slot (a session room's seats are taken for the whole slot).
        private readonly int[][] _admitted = agenda.Slots.Select(_ => new int[campus.Zones.Count]).ToArray();

        private Random _sensing = new(0);

        // Who got into the blocked corridor so far: everyone in it stays until the exit clears, so this is its crowd.
        private int _crushed;

        public void Play(int attendee, Random random, Random sensing, List<SimulatedRead> reads)
        {
            _mine.Clear();
            _sensing = sensing;
            var end = agenda.Duration;
            var window = options.WindowLength;

            // Most arrive in the first window, the late ones during the keynote.
            var arrival = Triangular(random, TimeSpan.Zero, window * 0.35, window * 1.6);
            var t = arrival;
            var current = -1;
            var registration = campus.OfKind(ZoneKind.Registration);
            if (registration.Count > 0 && random.NextDouble() < options.RegistrationShare)
            {
                current = campus.ZoneIndex[Pick(random, registration, -1).Id];
                var leave = Min(end, t + Uniform(random, 4 * Minute, 12 * Minute)); // the queue, the badge, the bag
                Stay(random, attendee, current, t, leave);
                t = leave;
            }

            for (var slotIndex = agenda.SlotIndexAt(t); slotIndex < agenda.Slots.Count && t < end; slotIndex++)
            {
                var slot = agenda.Slots[slotIndex];

                // People leave when the talk ends or a little after (a few slip out of a break early); the last slot runs
                // to the end of the event. Someone who arrives after a slot's crowd has left joins the next one.
                var leaveAt = slotIndex == agenda.Slots.Count - 1
                    ? end
                    : slot.End + (slot.Activity is AgendaActivity.Break
                        ? Uniform(random, -1 * Minute, 2 * Minute)
                        : Uniform(random, TimeSpan.Zero, 3 * Minute));
                leaveAt = Min(leaveAt, end);
                if (leaveAt <= t)
                {
                    continue;
                }

                var stops = slot.Activity is AgendaActivity.Break && leaveAt - t > 6 * Minute ? 2 : 1;
                for (var stop = 0; t < leaveAt; stop++)
                {
                    var destination = Choose(random, slot, slotIndex, current, t);
                    var until = stop < stops - 1 ? t + ((leaveAt - t) * Uniform(random, 0.35, 0.65)) : leaveAt;
                    if (options.ExpoVisit is { } visit && campus.Zones[destination].Kind is ZoneKind.Expo)
                    {
                        // A quick stroll past the stands, then on to somewhere else (or another hall).
                        until = Min(until, t + Uniform(random, visit.Min, visit.Max));
                    }

                    if (destination != current)
                    {
                        t = Walk(random, attendee, current, destination, t, until);
                    }

                    if (t < until)
                    {
                        Stay(random, attendee, destination, t, until);
                    }

                    current = destination;
                    t = Max(t, until);
                }
            }

            Keep(reads);
        }

        /// <summary>Crossing a corridor between two zones takes a minute or three, during which its sensors read.</summary>
        private TimeSpan Walk(Random random, int attendee, int from, int to, TimeSpan t, TimeSpan until)
        {
            // The crush: the keynote lets out into one corridor whose exit is blocked, and people are held there.
            if (crush.BlockedAt(t) && from >= 0 && campus.Zones[from].Kind is ZoneKind.Keynote
                && campus.Zones[from].Venue == campus.Zones[crush.Corridor].Venue && campus.Zones[to].Kind is not ZoneKind.Keynote)
            {
                // Held past the break if need be: the crowd leaves when the exit is cleared, not when the agenda says.
                var released = Min(agenda.Duration, crush.Clears + (options.CrushDrain * random.NextDouble()));
                if (_crushed < crush.JamCapacity)
                {
                    _crushed++;
                    Stay(random, attendee, crush.Corridor, t, released);
                    return released;
                }

                // Jammed: no one more fits in. Wait in the hall, then file out through the corridor once it drains.
                Stay(random, attendee, from, t, released);
                var through = Min(agenda.Duration, released + Uniform(random, 0.5 * Minute, 2 * Minute));
                Stay(random, attendee, crush.Corridor, released, through);
                return through;
            }

            var corridors = campus.OfKind(ZoneKind.Corridor);
            var venue = campus.Zones[to].Venue;

            // Every move between venues crosses a corridor; within a venue, some moves pass a corridor's sensors.
            if (from < 0 || corridors.Count == 0 || campus.Zones[to].Kind is ZoneKind.Corridor
                || (campus.Zones[from].Venue == venue && random.NextDouble() >= 0.3))
            {
                return t;
            }

            // A blocked corridor is avoided: people go round by another one.
            var open = crush.BlockedAt(t) ? corridors.Where(c => campus.ZoneIndex[c.Id] != crush.Corridor).ToArray() : corridors;
            var near = open.Where(c => c.Venue == venue).ToArray();
            if (open.Count == 0)
            {
                return t;
            }

            var corridor = campus.ZoneIndex[Pick(random, near.Length > 0 ? near : open, -1).Id];
            var arrive = Min(until, t + Uniform(random, 0.5 * Minute, 2 * Minute));
            Stay(random, attendee, corridor, t, arrive);
            return arrive;
        }

        private int Choose(Random random, AgendaSlot slot, int slotIndex, int current, TimeSpan t)
        {
            var chosen = ChooseZone(random, slot, slotIndex, current, t);
            _admitted[slotIndex][chosen]++;
            return chosen;
        }

        /// <summary>Doors close on session rooms, keynote halls and dining halls; expo, lounges and corridors take anyone.</summary>
        private static bool HasDoors(ZoneKind kind) => kind is ZoneKind.Session or ZoneKind.Keynote or ZoneKind.Food;

        /// <summary>A room whose doors have closed, or a blocked corridor (nobody chooses to stand in a crush).</summary>
        private bool Full(int zone, int slotIndex, TimeSpan t) =>
            (HasDoors(campus.Zones[zone].Kind) && _admitted[slotIndex][zone] >= campus.Zones[zone].Capacity * options.DoorCloseShare)
            || (zone == crush.Corridor && crush.BlockedAt(t));

        private int ChooseZone(Random random, AgendaSlot slot, int slotIndex, int current, TimeSpan t)
        {
            var roll = random.NextDouble();
            ZoneKind[] preference = slot.Activity switch
            {
                AgendaActivity.Registration => roll < 0.55 ? [ZoneKind.Expo] : roll < 0.9 ? [ZoneKind.Food, ZoneKind.Expo] : [ZoneKind.Lounge, ZoneKind.Expo],
                AgendaActivity.Keynote => roll < 0.9 ? [ZoneKind.Keynote, ZoneKind.Session] : roll < 0.96 ? [ZoneKind.Lounge, ZoneKind.Expo] : [ZoneKind.Expo],
                AgendaActivity.Sessions => roll < 0.85 ? [ZoneKind.Session, ZoneKind.Keynote] : roll < 0.95 ? [ZoneKind.Expo] : [ZoneKind.Lounge, ZoneKind.Food],
                AgendaActivity.Break => roll < 0.5 ? [ZoneKind.Food] : roll < 0.86 ? [ZoneKind.Expo] : roll < 0.96 ? [ZoneKind.Corridor] : [ZoneKind.Lounge],
                AgendaActivity.Lunch => roll < 0.85 ? [ZoneKind.Food] : roll < 0.95 ? [ZoneKind.Expo] : [ZoneKind.Lounge],
                _ => throw new InvalidOperationException($"No plan for {slot.Activity}."),
            };

            foreach (var kind in preference.Concat([ZoneKind.Expo, ZoneKind.Lounge, ZoneKind.Food, ZoneKind.Corridor, ZoneKind.Session, ZoneKind.Keynote]))
            {
                var zones = campus.OfKind(kind).Where(z => !Full(campus.ZoneIndex[z.Id], slotIndex, t)).ToArray();
                if (zones.Length > 0)
                {
                    // Someone already in a suitable zone usually stays (a session-goer keeping a seat between talks is rare, though).
                    if (current >= 0 && campus.Zones[current].Kind == kind && kind is not ZoneKind.Session && random.NextDouble() < 0.5
                        && !Full(current, slotIndex, t))
                    {
                        return current;
                    }

                    return campus.ZoneIndex[Pick(random, zones, slotIndex).Id];
                }
            }

            return current >= 0 ? current : 0;
        }

        /// <summary>A zone weighted by its capacity and by how much it draws in this slot.</summary>
        private SimulatedZone Pick(Random random, IReadOnlyList<SimulatedZone> zones, int slotIndex)
        {
            double total = 0;
            foreach (var zone in zones)
            {
                total += Weight(zone, slotIndex);
            }

            var x = random.NextDouble() * total;
            foreach (var zone in zones)
            {
                x -= Weight(zone, slotIndex);
                if (x < 0)
                {
                    return zone;
                }
            }

            return zones[^1];
        }

        private double Weight(SimulatedZone zone, int slotIndex) =>
            zone.Capacity * (slotIndex < 0 ? 1.0 : popularity[slotIndex][campus.ZoneIndex[zone.Id]]);

        /// <summary>Reads while in a zone: one on entry, then presence reads now and then, each missed or doubled at times.</summary>
        private void Stay(Random _, int attendee, int zone, TimeSpan from, TimeSpan until)
        {
            var random = _sensing;
            if (until > from)
            {
                stays.Add(new SimulatedStay(attendee, zone, (long)from.TotalMilliseconds, (long)until.TotalMilliseconds));
            }

            var sensors = zoneSensors[zone];
            var t = from + TimeSpan.FromSeconds(random.NextDouble() * 20);
            var mean = options.PresenceReadInterval.TotalMilliseconds;
            while (t < until)
            {
                if (random.NextDouble() < options.DetectionRate)
                {
                    var sensor = sensors[random.Next(sensors.Length)];
                    if (deadSensor[sensor])
                    {
                        t += TimeSpan.FromMilliseconds(-mean * Math.Log(1.0 - random.NextDouble()));
                        continue;
                    }

                    var noRssi = random.NextDouble() < options.MissingRssiRate;
                    var kind = noRssi ? SimulatedReadKind.NoRssi : SimulatedReadKind.None;
                    var at = (long)t.TotalMilliseconds;
                    var rssi = noRssi ? (short)0 : Rssi(random);
                    _mine.Add(new SimulatedRead(at, attendee, sensor, rssi, kind));
                    if (random.NextDouble() < options.DuplicateRate)
                    {
                        _mine.Add(new SimulatedRead(at + 200 + random.Next(1800), attendee, sensor, rssi, kind | SimulatedReadKind.Duplicate));
                    }
                }

                t += TimeSpan.FromMilliseconds(-mean * Math.Log(1.0 - random.NextDouble()));
            }
        }

        /// <summary>An attendee's reads in time order with distinct milliseconds, so no two share a read id.</summary>
        private void Keep(List<SimulatedRead> reads)
        {
            _mine.Sort(static (a, b) => a.OffsetMilliseconds.CompareTo(b.OffsetMilliseconds));
            var end = (long)agenda.Duration.TotalMilliseconds;
            var last = -1L;
            foreach (var read in _mine)
            {
                var at = Math.Max(read.OffsetMilliseconds, last + 1);
                if (at >= end)
                {
                    break;
                }

                reads.Add(read with { OffsetMilliseconds = at });
                last = at;
            }
        }

        private static TimeSpan Uniform(Random random, TimeSpan min, TimeSpan max) => min + ((max - min) * random.NextDouble());

        private static double Uniform(Random random, double min, double max) => min + ((max - min) * random.NextDouble());

        private static TimeSpan Triangular(Random random, TimeSpan min, TimeSpan mode, TimeSpan max)
        {
            var u = random.NextDouble();
            var c = (mode - min) / (max - min);
            return u < c
                ? min + ((max - min) * Math.Sqrt(u * c))
                : max - ((max - min) * Math.Sqrt((1 - u) * (1 - c)));
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }
}
