using BadgeFlow.Domain.Campus;

namespace BadgeFlow.Local.Simulator;

/// <summary>What the conference is doing during a slot of the agenda.</summary>
public enum AgendaActivity
{
    Registration,
    Keynote,
    Sessions,
    Break,
    Lunch,
}

/// <summary>One slot of the agenda, as offsets from the start of the event.</summary>
public sealed record AgendaSlot(TimeSpan Start, TimeSpan End, AgendaActivity Activity);

/// <summary>
/// A conference day cut into slots one reporting window long, so that each window of the density report has one
/// activity and a place where the crowd is expected: registration, a keynote, then session blocks with breaks and lunch.
/// </summary>
public sealed class ConferenceAgenda
{
    // The opening of the day, then a repeating afternoon pattern. A 2-hour event at 15-minute windows gets every activity.
    private static readonly AgendaActivity[] Opening =
    [
        AgendaActivity.Registration, AgendaActivity.Keynote, AgendaActivity.Keynote, AgendaActivity.Break,
        AgendaActivity.Sessions, AgendaActivity.Lunch, AgendaActivity.Sessions, AgendaActivity.Break,
    ];

    private static readonly AgendaActivity[] Afternoon =
    [
        AgendaActivity.Sessions, AgendaActivity.Sessions, AgendaActivity.Break,
    ];

    private ConferenceAgenda(IReadOnlyList<AgendaSlot> slots, TimeSpan slotLength)
    {
        Slots = slots;
        SlotLength = slotLength;
    }

    public IReadOnlyList<AgendaSlot> Slots { get; }

    public TimeSpan SlotLength { get; }

    public TimeSpan Duration => Slots[^1].End;

    /// <summary>An agenda covering at least <paramref name="duration"/>, in whole slots of <paramref name="slotLength"/>.</summary>
    public static ConferenceAgenda Build(TimeSpan duration, TimeSpan slotLength)
    {
        if (slotLength <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(slotLength), slotLength, "The slot length must be positive.");
        }

        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "The event must last a positive time.");
        }

        var count = (int)Math.Ceiling(duration / slotLength);
        var slots = new AgendaSlot[count];
        for (var i = 0; i < count; i++)
        {
            var activity = i < Opening.Length ? Opening[i] : Afternoon[(i - Opening.Length) % Afternoon.Length];
            slots[i] = new AgendaSlot(slotLength * i, slotLength * (i + 1), activity);
        }

        return new ConferenceAgenda(slots, slotLength);
    }

    public AgendaSlot SlotAt(TimeSpan offset) => Slots[SlotIndexAt(offset)];

    /// <summary>The slot under way at <paramref name="offset"/>; before the start the first, after the end the last.</summary>
    public int SlotIndexAt(TimeSpan offset) => (int)Math.Clamp(Math.Floor(offset / SlotLength), 0, Slots.Count - 1);

    /// <summary>The zone kinds an activity fills: where the simulator puts the crowd.</summary>
    public static IReadOnlyList<ZoneKind> CrowdedKinds(AgendaActivity activity) => activity switch
    {
        AgendaActivity.Registration => [ZoneKind.Registration],
        AgendaActivity.Keynote => [ZoneKind.Keynote],
        AgendaActivity.Sessions => [ZoneKind.Session],
        AgendaActivity.Break => [ZoneKind.Food, ZoneKind.Expo, ZoneKind.Corridor],
        AgendaActivity.Lunch => [ZoneKind.Food],
        _ => throw new ArgumentOutOfRangeException(nameof(activity), activity, null),
    };
}
