using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Campus;

/// <summary>The campus: venues, zones and the sensor → zone map, loaded from one JSON file (DESIGN.md "Campus
/// registry"). Immutable and thread-safe; sensor lookups take a span and allocate nothing.</summary>
public sealed class CampusRegistry
{
    private const int MaxNameLength = 200;

    private readonly FrozenDictionary<string, Sensor> _sensors;
    private readonly FrozenDictionary<string, Sensor>.AlternateLookup<ReadOnlySpan<char>> _sensorsBySpan;
    private readonly FrozenDictionary<string, Zone> _zones;

    private CampusRegistry(string name, IReadOnlyList<Venue> venues, IReadOnlyList<Zone> zones, IReadOnlyList<Sensor> sensors)
    {
        Name = name;
        Venues = venues;
        Zones = zones;
        Sensors = sensors;
        _sensors = sensors.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        _sensorsBySpan = _sensors.GetAlternateLookup<ReadOnlySpan<char>>();
        _zones = zones.ToFrozenDictionary(z => z.Id, StringComparer.Ordinal);
        KeyGroups = [.. sensors.Select(s => s.KeyGroup).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The campus's name (e.g. the event).</summary>
    public string Name { get; }

    public IReadOnlyList<Venue> Venues { get; }

    public IReadOnlyList<Zone> Zones { get; }

    public IReadOnlyList<Sensor> Sensors { get; }

    /// <summary>The names of the sensors' key groups, ordinal order: one API key each (docs/producer-api.md "Keys").</summary>
    public IReadOnlyList<string> KeyGroups { get; }

    /// <summary>Name of the campus registry compiled into this assembly (functions/campus.json).</summary>
    public const string EmbeddedResourceName = "campus.json";

    /// <summary>The campus every function and tool uses: the file at <paramref name="campusFile"/> (<c>CAMPUS_FILE</c>,
    /// the local tool's <c>--campus</c>) when given, else the registry compiled into this assembly. The one place a
    /// campus is read: at cold start or tool start, never per request (the only file Domain reads).</summary>
    public static async Task<CampusRegistry> LoadAsync(string? campusFile, CancellationToken cancellationToken)
    {
        if (campusFile is null)
        {
            return Embedded();
        }

        return Load(await File.ReadAllBytesAsync(campusFile, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The registry compiled into this assembly (functions/campus.json; the tests' campus too).</summary>
    public static CampusRegistry Embedded()
    {
        using var stream = typeof(CampusRegistry).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {EmbeddedResourceName} is missing from this build of BadgeFlow.Domain.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Load(bytes);
    }

    /// <summary>Parses and validates a campus file. Throws <see cref="CampusRegistryException"/> listing every wrong
    /// entry (by section, index and id), not only the first.</summary>
    public static CampusRegistry Load(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        CampusDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8Json, CampusJsonContext.Default.CampusDocument);
        }
        catch (JsonException e)
        {
            throw new CampusRegistryException(
                $"The campus registry is not valid JSON for its schema at {e.Path ?? "$"} (line {e.LineNumber + 1}): {e.Message}", e);
        }

        if (document is null)
        {
            throw new CampusRegistryException("The campus registry is empty (JSON null).");
        }

        return Validate(document);
    }

    /// <summary>The sensor with this ID, if the campus has it.</summary>
    public bool TryGetSensor(ReadOnlySpan<char> sensorId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Sensor? sensor) =>
        _sensorsBySpan.TryGetValue(sensorId, out sensor);

    /// <summary>The sensor with this UTF-8 ID, if the campus has it. IDs outside the sensor alphabet are never found.</summary>
    public bool TryGetSensor(ReadOnlySpan<byte> utf8SensorId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Sensor? sensor)
    {
        sensor = null;
        if (utf8SensorId.Length is 0 or > ReadFieldRules.MaxSensorIdLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[ReadFieldRules.MaxSensorIdLength];
        return Ascii.ToUtf16(utf8SensorId, chars, out var written) == System.Buffers.OperationStatus.Done
            && _sensorsBySpan.TryGetValue(chars[..written], out sensor);
    }

    /// <summary>The zone with this ID, if the campus has it.</summary>
    public bool TryGetZone(string zoneId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Zone? zone) =>
        _zones.TryGetValue(zoneId, out zone);

    private static CampusRegistry Validate(CampusDocument document)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(document.Name))
        {
            errors.Add("name: is required.");
        }

        var venues = new List<Venue>();
        var venuesById = new Dictionary<string, Venue>(StringComparer.Ordinal);
        ForEach(document.Venues, "venues", errors, (entry, where) =>
        {
            var ok = CheckId(entry.Id, where, errors) & CheckName(entry.Name, where, errors);
            if (ok && !venuesById.TryAdd(entry.Id!, new Venue(entry.Id!, entry.Name!)))
            {
                errors.Add($"{where}: id is used by an earlier venue.");
                return;
            }

            if (ok)
            {
                venues.Add(venuesById[entry.Id!]);
            }
        });

        var zones = new List<Zone>();
        var zonesById = new Dictionary<string, Zone>(StringComparer.Ordinal);
        ForEach(document.Zones, "zones", errors, (entry, where) =>
        {
            var ok = CheckId(entry.Id, where, errors) & CheckName(entry.Name, where, errors);
            Venue? venue = null;
            if (string.IsNullOrEmpty(entry.Venue))
            {
                errors.Add($"{where}: venue is required.");
                ok = false;
            }
            else if (!venuesById.TryGetValue(entry.Venue, out venue))
            {
                errors.Add($"{where}: venue '{entry.Venue}' is not one of the venues.");
                ok = false;
            }

            if (string.IsNullOrWhiteSpace(entry.Floor) || entry.Floor.Length > 32)
            {
                errors.Add($"{where}: floor is required (at most 32 characters).");
                ok = false;
            }

            ZoneKind kind = default;
            if (entry.Kind is null || !TryParseKind(entry.Kind, out kind))
            {
                errors.Add($"{where}: kind must be one of {string.Join(", ", Enum.GetNames<ZoneKind>().Select(n => n.ToLowerInvariant()))}.");
                ok = false;
            }

            if (entry.AreaSquareMetres is not { } area || !double.IsFinite(area) || area <= 0)
            {
                errors.Add($"{where}: areaSquareMetres must be a number greater than 0.");
                ok = false;
            }

            if (entry.Capacity is not > 0)
            {
                errors.Add($"{where}: capacity must be an integer greater than 0.");
                ok = false;
            }

            if (!ok)
            {
                return;
            }

            var zone = new Zone(entry.Id!, entry.Name!, venue!, entry.Floor!, kind, entry.AreaSquareMetres!.Value, entry.Capacity!.Value);
            if (!zonesById.TryAdd(zone.Id, zone))
            {
                errors.Add($"{where}: id is used by an earlier zone.");
                return;
            }

            zones.Add(zone);
        });

        var sensors = new List<Sensor>();
        var sensorIds = new HashSet<string>(StringComparer.Ordinal);
        ForEach(document.Sensors, "sensors", errors, (entry, where) =>
        {
            var ok = CheckId(entry.Id, where, errors);
            if (entry.KeyGroup is not null && !ReadFieldRules.IsValidSensorId(entry.KeyGroup))
            {
                errors.Add($"{where}: keyGroup must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.");
                ok = false;
            }

            Zone? zone = null;
            if (string.IsNullOrEmpty(entry.Zone))
            {
                errors.Add($"{where}: zone is required.");
                ok = false;
            }
            else if (!zonesById.TryGetValue(entry.Zone, out zone))
            {
                errors.Add($"{where}: zone '{entry.Zone}' is not one of the zones.");
                ok = false;
            }

            if (!ok)
            {
                return;
            }

            if (!sensorIds.Add(entry.Id!))
            {
                errors.Add($"{where}: id is used by an earlier sensor.");
                return;
            }

            sensors.Add(new Sensor(entry.Id!, zone!, entry.KeyGroup ?? zone!.Venue.Id));
        });

        if (errors.Count > 0)
        {
            throw new CampusRegistryException(errors);
        }

        return new CampusRegistry(document.Name!, venues, zones, sensors);
    }

    private static void ForEach<T>(List<T?>? entries, string section, List<string> errors, Action<T, string> check)
        where T : class
    {
        if (entries is null || entries.Count == 0)
        {
            errors.Add($"{section}: at least one entry is required.");
            return;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var where = entry switch
            {
                VenueEntry { Id: { } id } => $"{section}[{i}] (id '{id}')",
                ZoneEntry { Id: { } id } => $"{section}[{i}] (id '{id}')",
                SensorEntry { Id: { } id } => $"{section}[{i}] (id '{id}')",
                _ => $"{section}[{i}]",
            };
            if (entry is null)
            {
                errors.Add($"{where}: must be an object, not null.");
                continue;
            }

            check(entry, where);
        }
    }

    // Ids become warehouse values (VARCHAR(64)) and JSON strings written without escaping: same alphabet as sensor IDs.
    private static bool CheckId(string? id, string where, List<string> errors)
    {
        if (id is null || !ReadFieldRules.IsValidSensorId(id))
        {
            errors.Add($"{where}: id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.");
            return false;
        }

        return true;
    }

    private static bool CheckName(string? name, string where, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            errors.Add($"{where}: name is required (at most {MaxNameLength} characters).");
            return false;
        }

        return true;
    }

    private static bool TryParseKind(string value, out ZoneKind kind)
    {
        foreach (var candidate in Enum.GetValues<ZoneKind>())
        {
            if (string.Equals(value, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
