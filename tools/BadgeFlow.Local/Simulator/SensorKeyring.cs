using BadgeFlow.Domain.Campus;

namespace BadgeFlow.Local.Simulator;

/// <summary>The API key each sensor posts with: its key group's (docs/producer-api.md "Keys"), as a venue's readers
/// would each be configured with their venue's key.</summary>
public sealed class SensorKeyring
{
    private readonly CampusRegistry _campus;
    private readonly IReadOnlyDictionary<string, string> _keyByGroup;

    /// <summary>Throws <see cref="SensorApiRefusedException"/> naming every key group of the campus with no key.</summary>
    public SensorKeyring(CampusRegistry campus, IReadOnlyDictionary<string, string> keyByGroup)
    {
        ArgumentNullException.ThrowIfNull(campus);
        ArgumentNullException.ThrowIfNull(keyByGroup);
        var missing = campus.KeyGroups.Where(g => !keyByGroup.TryGetValue(g, out var key) || string.IsNullOrEmpty(key)).ToList();
        if (missing.Count > 0)
        {
            throw new SensorApiRefusedException($"No API key for the key groups {string.Join(", ", missing)}; give one per group (group=key,…).");
        }

        _campus = campus;
        _keyByGroup = keyByGroup;
    }

    /// <summary>Parses <c>group=key,group=key</c> (the <c>--api-keys</c> option, as <c>up</c> prints the keys).</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == entry.Length - 1 || !keys.TryAdd(entry[..equals], entry[(equals + 1)..]))
            {
                // Name the group only: the entry holds a key value.
                throw new SensorApiRefusedException($"API keys are given as group=key,group=key with each group once; the entry for '{(equals > 0 ? entry[..equals] : "?")}' is not.");
            }
        }

        return keys;
    }

    /// <summary>The key group of the sensor. A sensor the campus does not have (the simulator's unregistered staff-door
    /// readers) posts with the first group's key, as a reader wrongly set up would: the API refuses its reads.</summary>
    public string GroupOf(string sensorId) =>
        _campus.TryGetSensor(sensorId.AsSpan(), out var sensor) ? sensor.KeyGroup : _campus.KeyGroups[0];

    /// <summary>The key for reads of <paramref name="group"/>.</summary>
    public string KeyFor(string group) =>
        _keyByGroup.TryGetValue(group, out var key) ? key : throw new SensorApiRefusedException($"No API key for key group '{group}'.");
}
