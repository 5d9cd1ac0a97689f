using System.Buffers;
using System.Text.Json;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Packing;

/// <summary>The Producer's wire line, both ways (ARCHITECTURE.md "Wire records"): one JSON object and a '\n',
/// <c>{"readId":…,"sensorId":…,"badgeHash":…,"readAt":"2026-11-25T10:00:00Z","rssi":-61,"receivedAt":…}</c>, members in
/// that order, rssi omitted when absent, times UTC RFC 3339 (fraction only when there is one). The Producer writes it,
/// Transform reads it; both work on UTF-8 bytes and allocate nothing per read.</summary>
public static class ProducerLine
{
    /// <summary>The members' names, which are also the field named by a <see cref="ReadFieldError"/> from <see cref="TryRead"/>.</summary>
    public static class Field
    {
        public const string ReadId = "readId";
        public const string SensorId = "sensorId";
        public const string BadgeHash = "badgeHash";
        public const string ReadAt = "readAt";
        public const string Rssi = "rssi";
        public const string ReceivedAt = "receivedAt";

        /// <summary>The line as a whole: not one JSON object.</summary>
        public const string Line = "line";
    }

    /// <summary>Scratch <see cref="TryRead"/> needs to unescape string members (six slots of the longest valid value).</summary>
    public const int ScratchBytes = 6 * MaxValueBytes;

    // The longest valid string member: a 64-character ID, a 43-character hash, an RFC 3339 time with offset.
    private const int MaxValueBytes = 128;

    private static readonly JsonEncodedText ReadIdName = JsonEncodedText.Encode(Field.ReadId);
    private static readonly JsonEncodedText SensorIdName = JsonEncodedText.Encode(Field.SensorId);
    private static readonly JsonEncodedText BadgeHashName = JsonEncodedText.Encode(Field.BadgeHash);
    private static readonly JsonEncodedText ReadAtName = JsonEncodedText.Encode(Field.ReadAt);
    private static readonly JsonEncodedText RssiName = JsonEncodedText.Encode(Field.Rssi);
    private static readonly JsonEncodedText ReceivedAtName = JsonEncodedText.Encode(Field.ReceivedAt);

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    /// <summary>Whether <paramref name="line"/> (trimmed, not empty) is meant as a Producer line rather than a CSV read.</summary>
    public static bool IsCandidate(ReadOnlySpan<byte> line) => !line.IsEmpty && line[0] == (byte)'{';

    /// <summary>Appends the line for <paramref name="read"/> to the writer's buffer. The writer must write to
    /// <paramref name="buffer"/>; it is reset after the line so several lines share one buffer.</summary>
    public static void Write(Utf8JsonWriter writer, IBufferWriter<byte> buffer, PseudonymizedRead read)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(read);

        writer.WriteStartObject();
        writer.WriteString(ReadIdName, read.ReadId);
        writer.WriteString(SensorIdName, read.SensorId);
        writer.WriteString(BadgeHashName, read.BadgeHash);
        WriteUtc(writer, ReadAtName, read.ReadAt);
        if (read.Rssi is { } rssi)
        {
            writer.WriteNumber(RssiName, rssi);
        }

        WriteUtc(writer, ReceivedAtName, read.ReceivedAt);
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

    /// <summary>Reads one line (without its '\n') and checks every member as the Producer's validation would: IDs by
    /// their alphabet, the badge as a badge hash (so a raw badge ID never reaches the warehouse even if a producer errs),
    /// rssi in range, times RFC 3339. Members may come in any order; unknown members are ignored; a repeated one is
    /// refused. Returns null and the fields (spans into <paramref name="line"/> or <paramref name="scratch"/>), or the
    /// first problem, which names the member and never its value.</summary>
    /// <param name="scratch">At least <see cref="ScratchBytes"/>; holds unescaped values.</param>
    public static ReadFieldError? TryRead(ReadOnlySpan<byte> line, Span<byte> scratch, out ProducerLineFields fields)
    {
        fields = default;
        if (scratch.Length < ScratchBytes)
        {
            throw new ArgumentException($"The scratch must hold at least {ScratchBytes} bytes.", nameof(scratch));
        }

        ReadOnlySpan<byte> readId = default, sensorId = default, badgeHash = default;
        DateTimeOffset readAt = default, receivedAt = default;
        short? rssi = null;
        var seen = Members.None;
        try
        {
            var reader = new Utf8JsonReader(line, ReaderOptions);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail(Field.Line, "is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = reader.ValueTextEquals(ReadIdName.EncodedUtf8Bytes) ? Members.ReadId
                    : reader.ValueTextEquals(SensorIdName.EncodedUtf8Bytes) ? Members.SensorId
                    : reader.ValueTextEquals(BadgeHashName.EncodedUtf8Bytes) ? Members.BadgeHash
                    : reader.ValueTextEquals(ReadAtName.EncodedUtf8Bytes) ? Members.ReadAt
                    : reader.ValueTextEquals(RssiName.EncodedUtf8Bytes) ? Members.Rssi
                    : reader.ValueTextEquals(ReceivedAtName.EncodedUtf8Bytes) ? Members.ReceivedAt
                    : Members.None;
                reader.Read();
                if (member == Members.None)
                {
                    reader.Skip();
                    continue;
                }

                if ((seen & member) != 0)
                {
                    return Fail(Name(member), "appears more than once");
                }

                seen |= member;
                if (member == Members.Rssi)
                {
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || !ReadFieldRules.IsValidRssi(value))
                    {
                        return Fail(Field.Rssi, "must be an integer from -127 to 0");
                    }

                    rssi = (short)value;
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return Fail(Name(member), "must be a string");
                }

                // Every valid value is plain ASCII that needs no escape; an escaped one is unescaped into its own
                // slice of the scratch so the spans of earlier members stay valid.
                ReadOnlySpan<byte> value8;
                if (!reader.ValueIsEscaped)
                {
                    value8 = reader.ValueSpan;
                }
                else
                {
                    if (reader.ValueSpan.Length > MaxValueBytes)
                    {
                        return Fail(Name(member), "is too long");
                    }

                    var slot = scratch.Slice(System.Numerics.BitOperations.TrailingZeroCount((int)member) * MaxValueBytes, MaxValueBytes);
                    value8 = slot[..reader.CopyString(slot)];
                }

                switch (member)
                {
                    case Members.ReadId:
                        if (!ReadFieldRules.IsValidReadId(value8))
                        {
                            return Fail(Field.ReadId, "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
                        }

                        readId = value8;
                        break;
                    case Members.SensorId:
                        if (!ReadFieldRules.IsValidSensorId(value8))
                        {
                            return Fail(Field.SensorId, "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
                        }

                        sensorId = value8;
                        break;
                    case Members.BadgeHash:
                        if (!BadgePseudonymizer.IsBadgeHash(value8))
                        {
                            return Fail(Field.BadgeHash, "must be a badge hash (43 base64url characters)");
                        }

                        badgeHash = value8;
                        break;
                    case Members.ReadAt:
                        if (!Rfc3339.TryParse(value8, out readAt))
                        {
                            return Fail(Field.ReadAt, "must be an RFC 3339 date-time with offset");
                        }

                        break;
                    default:
                        if (!Rfc3339.TryParse(value8, out receivedAt))
                        {
                            return Fail(Field.ReceivedAt, "must be an RFC 3339 date-time with offset");
                        }

                        break;
                }
            }

            // One object per line: anything after it throws.
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return Fail(Field.Line, "is neither a JSON object nor a CSV read");
        }

        var missing = ~seen & Members.Required;
        if (missing != 0)
        {
            return Fail(Name((Members)((int)missing & -(int)missing)), "is required");
        }

        fields = new ProducerLineFields(readId, sensorId, badgeHash, readAt, rssi, receivedAt);
        return null;
    }

    private static ReadFieldError Fail(string field, string reason) => new(field, reason);

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

    private static string Name(Members member) => member switch
    {
        Members.ReadId => Field.ReadId,
        Members.SensorId => Field.SensorId,
        Members.BadgeHash => Field.BadgeHash,
        Members.ReadAt => Field.ReadAt,
        Members.Rssi => Field.Rssi,
        _ => Field.ReceivedAt,
    };

    [Flags]
    private enum Members
    {
        None = 0,
        ReadId = 1,
        SensorId = 2,
        BadgeHash = 4,
        ReadAt = 8,
        Rssi = 16,
        ReceivedAt = 32,
        Required = ReadId | SensorId | BadgeHash | ReadAt | ReceivedAt,
    }
}

/// <summary>The members of one valid Producer line, as UTF-8 spans into the line (or the scratch it was read with).</summary>
public readonly ref struct ProducerLineFields(
    ReadOnlySpan<byte> readId, ReadOnlySpan<byte> sensorId, ReadOnlySpan<byte> badgeHash, DateTimeOffset readAt, short? rssi, DateTimeOffset receivedAt)
{
    public ReadOnlySpan<byte> ReadId { get; } = readId;

    public ReadOnlySpan<byte> SensorId { get; } = sensorId;

    public ReadOnlySpan<byte> BadgeHash { get; } = badgeHash;

    /// <summary>With the offset the line carries (the Producer writes UTC).</summary>
    public DateTimeOffset ReadAt { get; } = readAt;

    public short? Rssi { get; } = rssi;

    /// <summary>With the offset the line carries (the Producer writes UTC).</summary>
    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>The read as a record (allocates: tests and tools, not the hot path).</summary>
    public PseudonymizedRead ToRead() => new(
        System.Text.Encoding.ASCII.GetString(ReadId), System.Text.Encoding.ASCII.GetString(SensorId),
        System.Text.Encoding.ASCII.GetString(BadgeHash), ReadAt, Rssi, ReceivedAt);
}
