using BadgeFlow.Domain.Campus;

namespace BadgeFlow.Local.Simulator;

/// <summary>A zone as the simulator sees it: where it is, how big, what it is for, and the sensors that read in it.</summary>
public sealed record SimulatedZone(
    string Id,
    string Name,
    string Venue,
    string? Floor,
    double AreaSquareMetres,
    int Capacity,
    ZoneKind Kind,
    IReadOnlyList<string> SensorIds);

/// <summary>The campus the simulated conference happens on. Zones without sensors cannot be observed, so they are left out.</summary>
public sealed class SimulatedCampus
{
    private readonly Dictionary<ZoneKind, SimulatedZone[]> _byKind;

    public SimulatedCampus(IEnumerable<SimulatedZone> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        Zones = zones.Where(z => z.SensorIds.Count > 0).OrderBy(z => z.Id, StringComparer.Ordinal).ToArray();
        if (Zones.Count == 0)
        {
            throw new ArgumentException("The campus has no zone with a sensor: nothing could be read.", nameof(zones));
        }

        foreach (var zone in Zones)
        {
            if (zone.AreaSquareMetres <= 0 || zone.Capacity <= 0)
            {
                throw new ArgumentException($"Zone {zone.Id} needs a positive area and capacity.", nameof(zones));
            }
        }

        _byKind = Zones.GroupBy(z => z.Kind).ToDictionary(g => g.Key, g => g.ToArray());
        ZoneIndex = Zones.Select((z, i) => (z.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
    }

    public IReadOnlyList<SimulatedZone> Zones { get; }

    /// <summary>Position of each zone in <see cref="Zones"/>, by zone id.</summary>
    public IReadOnlyDictionary<string, int> ZoneIndex { get; }

    public IReadOnlyList<SimulatedZone> OfKind(ZoneKind kind) =>
        _byKind.TryGetValue(kind, out var zones) ? zones : [];

    public bool Has(ZoneKind kind) => _byKind.ContainsKey(kind);

    /// <summary>The campus of the registry (functions/campus.json), each zone with the sensors that read in it.</summary>
    public static SimulatedCampus From(CampusRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var sensors = registry.Sensors.ToLookup(s => s.Zone.Id, s => s.Id, StringComparer.Ordinal);
        return new SimulatedCampus(registry.Zones.Select(z => new SimulatedZone(
            z.Id, z.Name, z.Venue.Id, z.Floor, z.AreaSquareMetres, z.Capacity, z.Kind, sensors[z.Id].ToArray())));
    }
}
