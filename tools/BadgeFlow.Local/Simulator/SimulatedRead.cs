namespace BadgeFlow.Local.Simulator;

/// <summary>How a simulated read differs from an ordinary one.</summary>
[Flags]
public enum SimulatedReadKind : byte
{
    None = 0,

    /// <summary>The sensor sent no signal strength.</summary>
    NoRssi = 1,

    /// <summary>A second read of the same badge by the same sensor a moment after the first.</summary>
    Duplicate = 2,

    /// <summary>From a sensor the campus registry does not know: no API key speaks for it, so the API refuses it
    /// (docs/producer-api.md "Keys"); an agent CSV line from one would still load with no zone, counted as unmapped.</summary>
    Unmapped = 4,

    /// <summary>Malformed by a faulty sensor (signal strength out of range): the API must reject it.</summary>
    Invalid = 8,
}

/// <summary>
/// One badge read, compact (a 20,000-attendee day has hundreds of thousands): indexes into the plan's badge and sensor
/// tables and an offset in milliseconds from the start of the event.
/// </summary>
public readonly record struct SimulatedRead(long OffsetMilliseconds, int Badge, int Sensor, short Rssi, SimulatedReadKind Kind)
{
    public bool Has(SimulatedReadKind kind) => (Kind & kind) == kind;
}

/// <summary>
/// Where an attendee physically was: in <paramref name="Zone"/> from <paramref name="FromMilliseconds"/> (inclusive) to
/// <paramref name="UntilMilliseconds"/> (exclusive), offsets from the start of the event. Corridors are zones; before
/// arrival and after leaving an attendee has no stay.
/// </summary>
public readonly record struct SimulatedStay(int Attendee, int Zone, long FromMilliseconds, long UntilMilliseconds);
