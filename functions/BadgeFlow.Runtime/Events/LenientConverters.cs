using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>
/// Reads a Unix-milliseconds timestamp written as a number (what AWS sends), a numeric string, or an ISO 8601 string
/// (what some library fixtures hold); writes a number. A batch must not fail on a metadata field nobody needs.
/// </summary>
public sealed class EpochMillisecondsConverter : JsonConverter<long>
{
    /// <inheritdoc />
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadEpochMilliseconds(ref reader) ?? 0;

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value);
    }

    internal static long? ReadEpochMilliseconds(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var whole) ? whole : (long)Math.Truncate(reader.GetDouble());
            case JsonTokenType.String:
                var text = reader.GetString();
                if (string.IsNullOrWhiteSpace(text))
                {
                    return null;
                }

                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
                {
                    return time.ToUnixTimeMilliseconds();
                }

                throw new JsonException($"Expected a timestamp in Unix milliseconds or ISO 8601, found a string of {text.Length} characters.");
            default:
                throw new JsonException($"Expected a timestamp in Unix milliseconds, found {reader.TokenType}.");
        }
    }
}

/// <summary>The nullable form of <see cref="EpochMillisecondsConverter"/>; an empty string reads as null.</summary>
public sealed class NullableEpochMillisecondsConverter : JsonConverter<long?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        EpochMillisecondsConverter.ReadEpochMilliseconds(ref reader);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// Reads a value some sources write as a JSON number and others as a string (Kinesis <c>subsequenceNumber</c>) into
/// its text; writes an integer back as a number, anything else as a string. An empty string reads as null.
/// </summary>
public sealed class NumberOrStringConverter : JsonConverter<string?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
                return System.Text.Encoding.UTF8.GetString(raw);
            case JsonTokenType.String:
                var text = reader.GetString();
                return string.IsNullOrEmpty(text) ? null : text;
            default:
                throw new JsonException($"Expected a number or a string, found {reader.TokenType}.");
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else if (Utf8Parser.TryParse(System.Text.Encoding.UTF8.GetBytes(value), out long number, out var consumed) && consumed == System.Text.Encoding.UTF8.GetByteCount(value))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
