using System.Collections.Frozen;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Campus;

/// <summary>Which API key may post reads for which sensors: each API key id names one key group of the campus, and a
/// key may post only for the sensors of its group (docs/producer-api.md "Keys"). The map holds key ids, never key
/// values: API Gateway has already checked the value before the function runs.</summary>
public sealed class SensorKeyBinding
{
    private readonly CampusRegistry _campus;
    private readonly FrozenDictionary<string, string> _groupByKeyId;

    private SensorKeyBinding(CampusRegistry campus, FrozenDictionary<string, string> groupByKeyId)
    {
        _campus = campus;
        _groupByKeyId = groupByKeyId;
    }

    /// <summary>The key ids the binding knows, with their group.</summary>
    public IReadOnlyDictionary<string, string> GroupByKeyId => _groupByKeyId;

    /// <summary>Parses <c>keyId=group,keyId=group,…</c> (the <c>SENSOR_KEY_GROUPS</c> setting). Returns null and adds
    /// to <paramref name="problems"/> when an entry is malformed or a key id repeats.</summary>
    public static IReadOnlyDictionary<string, string>? ParseMap(string text, string settingName, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(problems);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        var entries = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length == 0)
        {
            problems.Add($"{settingName} must name at least one keyId=group pair.");
            return null;
        }

        foreach (var entry in entries)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var keyId = equals < 0 ? entry : entry[..equals].Trim();
            var group = equals < 0 ? string.Empty : entry[(equals + 1)..].Trim();
            if (!ReadFieldRules.IsValidSensorId(keyId) || !ReadFieldRules.IsValidSensorId(group))
            {
                // Key ids are not secret; the entry is named so the template or env file can be fixed.
                problems.Add($"{settingName}: '{entry}' is not keyId=group (both 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-').");
                ok = false;
            }
            else if (!map.TryAdd(keyId, group))
            {
                problems.Add($"{settingName}: key id '{keyId}' appears more than once.");
                ok = false;
            }
        }

        return ok ? map : null;
    }

    /// <summary>Binds the keys to the campus; throws <see cref="CampusRegistryException"/> naming every group the
    /// campus does not have (a stale map would otherwise refuse every read of that key).</summary>
    public static SensorKeyBinding Create(CampusRegistry campus, IReadOnlyDictionary<string, string> groupByKeyId)
    {
        ArgumentNullException.ThrowIfNull(campus);
        ArgumentNullException.ThrowIfNull(groupByKeyId);
        var known = campus.KeyGroups.ToHashSet(StringComparer.Ordinal);
        var unknown = groupByKeyId.Where(p => !known.Contains(p.Value))
            .Select(p => $"API key {p.Key} names key group '{p.Value}', which no sensor of the campus has (groups: {string.Join(", ", campus.KeyGroups)}).")
            .ToList();
        if (unknown.Count > 0)
        {
            throw new CampusRegistryException(unknown);
        }

        return new SensorKeyBinding(campus, groupByKeyId.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The group of the caller's API key, when the key is bound to one.</summary>
    public bool TryGetGroup(string? apiKeyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? group)
    {
        group = null;
        return apiKeyId is not null && _groupByKeyId.TryGetValue(apiKeyId, out group);
    }

    /// <summary>Whether a key of <paramref name="group"/> may post reads for <paramref name="sensorId"/>: the sensor is
    /// on the campus and in that group.</summary>
    public bool Admits(string group, string sensorId) =>
        _campus.TryGetSensor(sensorId.AsSpan(), out var sensor) && string.Equals(sensor.KeyGroup, group, StringComparison.Ordinal);
}
