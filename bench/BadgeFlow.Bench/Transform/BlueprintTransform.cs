using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Bench.Transform;

/// <summary>The baseline: Transform written the way AWS's Firehose processing blueprints are (decode each record to a
/// string, split it into lines, deserialize each line to an object, build an output object, serialize it, join, encode
/// again), with source-generated System.Text.Json and the same output as the real handler. No response size limit.</summary>
internal sealed class BlueprintTransform(CampusRegistry campus, byte[] key)
{
    private readonly Dictionary<string, Zone> _zones = campus.Sensors.ToDictionary(s => s.Id, s => s.Zone);

    public FirehoseTransformationResponse Transform(FirehoseTransformationEvent request)
    {
        var response = new FirehoseTransformationResponse();
        foreach (var record in request.Records)
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(record.Data));
                var output = new StringBuilder();
                foreach (var rawLine in text.Split('\n'))
                {
                    var line = rawLine.Trim();
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    var row = line.StartsWith('{') ? FromWire(line) : FromCsv(line, record.ApproximateArrivalTime);
                    output.Append(JsonSerializer.Serialize(row, BlueprintJsonContext.Default.BlueprintRow)).Append('\n');
                }

                response.Records.Add(new FirehoseTransformationResult
                {
                    RecordId = record.RecordId,
                    Result = output.Length == 0 ? FirehoseRecordResult.Dropped : FirehoseRecordResult.Ok,
                    Data = output.Length == 0 ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(output.ToString())),
                });
            }
            catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException)
            {
                response.Records.Add(new FirehoseTransformationResult { RecordId = record.RecordId, Result = FirehoseRecordResult.ProcessingFailed });
            }
        }

        return response;
    }

    private BlueprintRow FromWire(string line)
    {
        var read = JsonSerializer.Deserialize(line, BlueprintJsonContext.Default.BlueprintWireRead) ?? throw new JsonException("null");
        return Row(read.ReadId!, DateTimeOffset.Parse(read.ReadAt!, CultureInfo.InvariantCulture), read.BadgeHash!, read.SensorId!,
            read.Rssi, DateTimeOffset.Parse(read.ReceivedAt!, CultureInfo.InvariantCulture), "api");
    }

    private BlueprintRow FromCsv(string line, DateTimeOffset arrivedAt)
    {
        var fields = line.Split(',');
        var readAt = DateTimeOffset.Parse(fields[2], CultureInfo.InvariantCulture);
        using var hmac = new HMACSHA256(key);
        var badgeHash = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(fields[1])))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var identity = $"{fields[0]}\n{badgeHash}\n{readAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)}";
        var readId = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity))).ToLowerInvariant()[..32];
        short? rssi = fields.Length > 3 && fields[3].Length > 0 ? short.Parse(fields[3], CultureInfo.InvariantCulture) : null;
        return Row(readId, readAt, badgeHash, fields[0], rssi, arrivedAt, "agent");
    }

    private BlueprintRow Row(string readId, DateTimeOffset readAt, string badgeHash, string sensorId, short? rssi, DateTimeOffset receivedAt, string source)
    {
        _zones.TryGetValue(sensorId, out var zone);
        return new BlueprintRow
        {
            ReadId = readId,
            ReadAt = Warehouse(readAt),
            BadgeHash = badgeHash,
            SensorId = sensorId,
            ZoneId = zone?.Id,
            Venue = zone?.Venue.Id,
            Rssi = rssi,
            ReceivedAt = Warehouse(receivedAt),
            Source = source,
        };
    }

    private static string Warehouse(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}

internal sealed class BlueprintWireRead
{
    [JsonPropertyName("readId")]
    public string? ReadId { get; set; }

    [JsonPropertyName("sensorId")]
    public string? SensorId { get; set; }

    [JsonPropertyName("badgeHash")]
    public string? BadgeHash { get; set; }

    [JsonPropertyName("readAt")]
    public string? ReadAt { get; set; }

    [JsonPropertyName("rssi")]
    public short? Rssi { get; set; }

    [JsonPropertyName("receivedAt")]
    public string? ReceivedAt { get; set; }
}

internal sealed class BlueprintRow
{
    [JsonPropertyName("read_id")]
    public string? ReadId { get; set; }

    [JsonPropertyName("read_at")]
    public string? ReadAt { get; set; }

    [JsonPropertyName("badge_hash")]
    public string? BadgeHash { get; set; }

    [JsonPropertyName("sensor_id")]
    public string? SensorId { get; set; }

    [JsonPropertyName("zone_id")]
    public string? ZoneId { get; set; }

    [JsonPropertyName("venue")]
    public string? Venue { get; set; }

    [JsonPropertyName("rssi")]
    public short? Rssi { get; set; }

    [JsonPropertyName("received_at")]
    public string? ReceivedAt { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }
}

[JsonSerializable(typeof(BlueprintWireRead))]
[JsonSerializable(typeof(BlueprintRow))]
internal sealed partial class BlueprintJsonContext : JsonSerializerContext;
