using System.Text.Json.Serialization;

namespace BadgeFlow.Local.Simulator;

/// <summary>A read as a sensor sends it to <c>POST /reads</c> (DESIGN.md, "Sensor API").</summary>
public sealed record WireRead
{
    [JsonPropertyName("sensorId")]
    public required string SensorId { get; init; }

    [JsonPropertyName("badgeId")]
    public required string BadgeId { get; init; }

    /// <summary>RFC 3339, UTC, millisecond precision.</summary>
    [JsonPropertyName("readAt")]
    public required string ReadAt { get; init; }

    [JsonPropertyName("rssi")]
    public short? Rssi { get; init; }
}

/// <summary>The <c>application/json</c> body of <c>POST /reads</c>.</summary>
public sealed record WireReadBatch([property: JsonPropertyName("reads")] IReadOnlyList<WireRead> Reads);
