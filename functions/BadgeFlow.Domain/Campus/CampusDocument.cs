using System.Text.Json.Serialization;

namespace BadgeFlow.Domain.Campus;

// The file's shape. Everything is nullable so a missing member becomes a validation error that names its entry,
// rather than a serializer exception that stops at the first one.

internal sealed class CampusDocument
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("venues")]
    public List<VenueEntry?>? Venues { get; set; }

    [JsonPropertyName("zones")]
    public List<ZoneEntry?>? Zones { get; set; }

    [JsonPropertyName("sensors")]
    public List<SensorEntry?>? Sensors { get; set; }
}

internal sealed class VenueEntry
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

internal sealed class ZoneEntry
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("venue")]
    public string? Venue { get; set; }

    [JsonPropertyName("floor")]
    public string? Floor { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("areaSquareMetres")]
    public double? AreaSquareMetres { get; set; }

    [JsonPropertyName("capacity")]
    public int? Capacity { get; set; }
}

internal sealed class SensorEntry
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("zone")]
    public string? Zone { get; set; }

    [JsonPropertyName("keyGroup")]
    public string? KeyGroup { get; set; }
}

[JsonSourceGenerationOptions(
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CampusDocument))]
internal sealed partial class CampusJsonContext : JsonSerializerContext;
