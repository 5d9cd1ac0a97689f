using System.Buffers;
using System.Text.Json;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Packing;

/// <summary>Writes the Producer's wire record for one read: one JSON object and a '\n' (ARCHITECTURE.md "Wire records"):
/// <c>{"readId":…,"sensorId":…,"badgeHash":…,"readAt":"2026-11-25T10:00:00Z","rssi":-61,"receivedAt":…}</c>, rssi
/// omitted when absent, times UTC RFC 3339 (fraction only when there is one).</summary>
public static class ReadLineWriter
{
    private static readonly JsonEncodedText ReadId = JsonEncodedText.Encode("readId");
    private static readonly JsonEncodedText SensorId = JsonEncodedText.Encode("sensorId");
    private static readonly JsonEncodedText BadgeHash = JsonEncodedText.Encode("badgeHash");
    private static readonly JsonEncodedText ReadAt = JsonEncodedText.Encode("readAt");
    private static readonly JsonEncodedText Rssi = JsonEncodedText.Encode("rssi");
    private static readonly JsonEncodedText ReceivedAt = JsonEncodedText.Encode("receivedAt");

    /// <summary>Appends the line for <paramref name="read"/> to the writer's buffer. The writer must write to
    /// <paramref name="buffer"/>; it is reset after the line so several lines share one buffer.</summary>
    public static void Write(Utf8JsonWriter writer, IBufferWriter<byte> buffer, PseudonymizedRead read)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(read);

        writer.WriteStartObject();
        writer.WriteString(ReadId, read.ReadId);
        writer.WriteString(SensorId, read.SensorId);
        writer.WriteString(BadgeHash, read.BadgeHash);
        WriteUtc(writer, ReadAt, read.ReadAt);
        if (read.Rssi is { } rssi)
        {
            writer.WriteNumber(Rssi, rssi);
        }

        WriteUtc(writer, ReceivedAt, read.ReceivedAt);
        writer.WriteEndObject();
        writer.Flush();
        buffer.GetSpan(1)[0] = (byte)'\n';
        buffer.Advance(1);
        writer.Reset(buffer);
    }

    /// <summary>The line for one read as bytes (tests, tools).</summary>
    public static byte[] ToBytes(PseudonymizedRead read)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        Write(writer, buffer, read);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteUtc(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset value)
    {
        // YYYY-MM-DDTHH:MM:SS.fffffffZ with the fraction's trailing zeros dropped, and the '.' with them when the
        // fraction is zero: 10:00:00Z, 10:00:00.25Z. Formatted by hand: a custom format string is parsed on every call.
        Span<byte> text = stackalloc byte[Rfc3339.UtcFormatLength];
        Rfc3339.FormatUtc(value, text);
        var end = Rfc3339.UtcFormatLength - 1; // the 'Z'
        while (text[end - 1] == (byte)'0')
        {
            end--;
        }

        if (text[end - 1] == (byte)'.')
        {
            end--;
        }

        text[end] = (byte)'Z';
        writer.WriteString(name, text[..(end + 1)]);
    }
}
