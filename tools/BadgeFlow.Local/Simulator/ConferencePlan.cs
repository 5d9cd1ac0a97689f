using System.Globalization;

namespace BadgeFlow.Local.Simulator;

/// <summary>
/// A played conference: every read the sensors make, in time order, and where the simulator put the crowds. Times are
/// offsets from the start of the event; <see cref="ToWire"/> places them on the calendar.
/// </summary>
public sealed class ConferencePlan
{
    private readonly IReadOnlyList<string> _sensorIds;
    private readonly IReadOnlyList<int> _sensorZone;
    private readonly string _badgePrefix;
    private readonly Lazy<IReadOnlyList<WindowCrowd>> _crowds;

    internal ConferencePlan(
        SimulatedCampus campus,
        ConferenceAgenda agenda,
        ConferenceOptions options,
        IReadOnlyList<SimulatedRead> reads,
        IReadOnlyList<string> sensorIds,
        IReadOnlyList<int> sensorZone,
        int badges,
        IReadOnlyList<SimulatedStay> stays)
    {
        Stays = stays;
        Campus = campus;
        Agenda = agenda;
        Options = options;
        Reads = reads;
        _sensorIds = sensorIds;
        _sensorZone = sensorZone;
        Badges = badges;
        _badgePrefix = string.Create(CultureInfo.InvariantCulture, $"SIM{(uint)options.Seed:X8}-");
        _crowds = new Lazy<IReadOnlyList<WindowCrowd>>(() => CrowdTruth.Measure(this));
    }

    public SimulatedCampus Campus { get; }

    public ConferenceAgenda Agenda { get; }

    public ConferenceOptions Options { get; }

    /// <summary>Every read, ordered by time.</summary>
    public IReadOnlyList<SimulatedRead> Reads { get; }

    /// <summary>Attendee and staff badges.</summary>
    public int Badges { get; }

    /// <summary>Reads the API should accept: all but the malformed ones.</summary>
    public int ValidReads => Reads.Count(r => !r.Has(SimulatedReadKind.Invalid));

    /// <summary>Every attendee's stays, in the order they were played (by attendee, then time).</summary>
    public IReadOnlyList<SimulatedStay> Stays { get; }

    /// <summary>
    /// The true crowd per window, from the attendees' movements (never from the reads): each zone's occupancy at the
    /// window's last instant, its mean and peak over the window, and its true footfall.
    /// </summary>
    public IReadOnlyList<WindowCrowd> Crowds => _crowds.Value;

    public string SensorId(int sensor) => _sensorIds[sensor];

    /// <summary>Zone index of a sensor, or -1 when the registry does not know it.</summary>
    public int ZoneOfSensor(int sensor) => _sensorZone[sensor];

    /// <summary>
    /// A badge's identifier as printed on it. It exists only to be sent to the API, which pseudonymizes it; nothing in
    /// the tool prints it.
    /// </summary>
    public string BadgeId(int badge) => string.Create(CultureInfo.InvariantCulture, $"{_badgePrefix}{badge:D7}");

    /// <summary>Index of the first read at or after <paramref name="offset"/>.</summary>
    public int IndexAt(TimeSpan offset)
    {
        var target = (long)offset.TotalMilliseconds;
        int lo = 0, hi = Reads.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (Reads[mid].OffsetMilliseconds < target)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The read as a sensor sends it, for an event that started at <paramref name="eventStart"/>.</summary>
    public WireRead ToWire(SimulatedRead read, DateTimeOffset eventStart) => new()
    {
        SensorId = _sensorIds[read.Sensor],
        BadgeId = BadgeId(read.Badge),
        ReadAt = (eventStart + TimeSpan.FromMilliseconds(read.OffsetMilliseconds)).UtcDateTime
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        Rssi = read.Has(SimulatedReadKind.NoRssi) ? null : read.Rssi,
    };
}
