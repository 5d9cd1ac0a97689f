using System.Text;
using System.Buffers.Text;

namespace BadgeFlow.Domain.Reads;

/// <summary>One CSV line <c>sensor_id,badge_id,read_at[,rssi]</c> split into its fields as UTF-8 spans, without
/// allocating. Fields may be quoted (RFC 4180, <c>""</c> for a quote); unquoted fields are trimmed of spaces and tabs.
/// Used by the Producer's <c>text/csv</c> bodies and by Transform for Kinesis Agent lines.</summary>
public readonly ref struct CsvReadLine
{
    /// <summary>Scratch needed by <see cref="TryParse"/> when quoted fields contain doubled quotes.</summary>
    public const int RecommendedScratchBytes = 1024;

    private const string WrongColumnCount = "must have 3 or 4 columns: sensor_id,badge_id,read_at[,rssi]";
    private const string UnterminatedQuote = "has a quoted field without its closing quote";
    private const string FieldTooLong = "is too long";

    private CsvReadLine(
        ReadOnlySpan<byte> sensorId, ReadOnlySpan<byte> badgeId, ReadOnlySpan<byte> readAt, ReadOnlySpan<byte> rssi)
    {
        SensorId = sensorId;
        BadgeId = badgeId;
        ReadAt = readAt;
        Rssi = rssi;
    }

    public ReadOnlySpan<byte> SensorId { get; }

    public ReadOnlySpan<byte> BadgeId { get; }

    public ReadOnlySpan<byte> ReadAt { get; }

    /// <summary>Empty when the line has no rssi column or leaves it empty.</summary>
    public ReadOnlySpan<byte> Rssi { get; }

    /// <summary>True for the optional header line <c>sensor_id,badge_id,read_at[,rssi]</c> (any case, spaces allowed).</summary>
    public static bool IsHeader(ReadOnlySpan<byte> line)
    {
        Span<byte> scratch = stackalloc byte[64];
        if (TryParse(line, scratch, out var fields) is not null)
        {
            return false;
        }

        return Ascii.EqualsIgnoreCase(fields.SensorId, "sensor_id"u8)
            && Ascii.EqualsIgnoreCase(fields.BadgeId, "badge_id"u8)
            && Ascii.EqualsIgnoreCase(fields.ReadAt, "read_at"u8)
            && (fields.Rssi.IsEmpty || Ascii.EqualsIgnoreCase(fields.Rssi, "rssi"u8));
    }

    /// <summary>True when the line's first field is <c>sensor_id</c>: a header line, right or wrong.</summary>
    public static bool LooksLikeHeader(ReadOnlySpan<byte> line)
    {
        var trimmed = line.TrimStart(" \t\""u8);
        return trimmed.Length >= 9 && Ascii.EqualsIgnoreCase(trimmed[..9], "sensor_id"u8);
    }

    /// <summary>Splits <paramref name="line"/> (without its line break). Returns null on success, otherwise which field
    /// is malformed. <paramref name="scratch"/> receives unescaped quoted fields, and <paramref name="fields"/> may point
    /// into it.</summary>
    public static ReadFieldError? TryParse(ReadOnlySpan<byte> line, Span<byte> scratch, out CsvReadLine fields)
    {
        fields = default;
        Span<Range> bounds = stackalloc Range[4];
        Span<bool> inScratch = stackalloc bool[4];
        var count = 0;
        var position = 0;
        var scratchUsed = 0;
        while (true)
        {
            if (count == 4)
            {
                return new ReadFieldError(ReadField.Read, WrongColumnCount);
            }

            var field = FieldName(count);
            while (position < line.Length && line[position] is (byte)' ' or (byte)'\t')
            {
                position++;
            }

            if (position < line.Length && line[position] == '"')
            {
                // Quoted: copy out only when a doubled quote forces an unescape.
                var start = position + 1;
                var end = start;
                var escaped = false;
                while (true)
                {
                    var quote = line[end..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        return new ReadFieldError(field, UnterminatedQuote);
                    }

                    end += quote;
                    if (end + 1 < line.Length && line[end + 1] == '"')
                    {
                        escaped = true;
                        end += 2;
                        continue;
                    }

                    break;
                }

                if (escaped)
                {
                    var raw = line[start..end];
                    var target = scratch[scratchUsed..];
                    var written = 0;
                    for (var i = 0; i < raw.Length; i++)
                    {
                        if (written == target.Length)
                        {
                            return new ReadFieldError(field, FieldTooLong);
                        }

                        target[written++] = raw[i];
                        if (raw[i] == '"')
                        {
                            i++;
                        }
                    }

                    bounds[count] = new Range(scratchUsed, scratchUsed + written);
                    inScratch[count] = true;
                    scratchUsed += written;
                }
                else
                {
                    bounds[count] = new Range(start, end);
                    inScratch[count] = false;
                }

                position = end + 1;
                while (position < line.Length && line[position] is (byte)' ' or (byte)'\t')
                {
                    position++;
                }

                count++;
                if (position == line.Length)
                {
                    break;
                }

                if (line[position] != ',')
                {
                    return new ReadFieldError(field, UnterminatedQuote);
                }

                position++;
                continue;
            }

            var comma = line[position..].IndexOf((byte)',');
            var fieldEnd = comma < 0 ? line.Length : position + comma;
            var value = line[position..fieldEnd].TrimEnd(" \t"u8);
            bounds[count] = new Range(position, position + value.Length);
            inScratch[count] = false;
            count++;
            if (comma < 0)
            {
                break;
            }

            position = fieldEnd + 1;
        }

        if (count < 3)
        {
            return new ReadFieldError(ReadField.Read, WrongColumnCount);
        }

        fields = new CsvReadLine(
            Slice(line, scratch, bounds[0], inScratch[0]),
            Slice(line, scratch, bounds[1], inScratch[1]),
            Slice(line, scratch, bounds[2], inScratch[2]),
            count == 4 ? Slice(line, scratch, bounds[3], inScratch[3]) : default);
        return null;
    }

    /// <summary>Checks every field against the read rules (sensor ID, badge ID, RFC 3339 time, RSSI). Returns null when
    /// valid, with the parsed time and RSSI; otherwise the first field at fault in column order.</summary>
    public ReadFieldError? Validate(out DateTimeOffset readAt, out short? rssi)
    {
        readAt = default;
        rssi = null;
        if (!ReadFieldRules.IsValidSensorId(SensorId))
        {
            return new ReadFieldError(ReadField.SensorId, ReadFieldRules.SensorIdInvalid);
        }

        if (ReadFieldRules.CheckBadgeId(BadgeId) is { } badgeReason)
        {
            return new ReadFieldError(ReadField.BadgeId, badgeReason);
        }

        if (!Rfc3339.TryParse(ReadAt, out readAt))
        {
            return new ReadFieldError(ReadField.ReadAt, ReadFieldRules.ReadAtInvalid);
        }

        if (!Rssi.IsEmpty)
        {
            if (!Utf8Parser.TryParse(Rssi, out int value, out var consumed) || consumed != Rssi.Length
                || !ReadFieldRules.IsValidRssi(value))
            {
                return new ReadFieldError(ReadField.Rssi, ReadFieldRules.RssiInvalid);
            }

            rssi = (short)value;
        }

        return null;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> line, ReadOnlySpan<byte> scratch, Range range, bool inScratch) =>
        inScratch ? scratch[range] : line[range];

    private static string FieldName(int column) => column switch
    {
        0 => ReadField.SensorId,
        1 => ReadField.BadgeId,
        2 => ReadField.ReadAt,
        _ => ReadField.Rssi,
    };
}
