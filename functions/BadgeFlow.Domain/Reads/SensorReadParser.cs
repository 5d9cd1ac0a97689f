using System.Text;
using System.Text.Json;

namespace BadgeFlow.Domain.Reads;

/// <summary>Parses and validates the body of <c>POST /reads</c> in any of its three formats (DESIGN.md "Sensor API").
/// Works on the UTF-8 bytes (Utf8JsonReader, spans) and allocates only the strings of valid reads.</summary>
public static class SensorReadParser
{
    private const string NotValidJson = "The body is not valid JSON.";
    private const string WrongJsonShape = "The body must be a JSON object with a \"reads\" array of read objects.";
    private const string DuplicateReads = "The body has more than one \"reads\" property.";
    private const string NoReads = "The body holds no reads.";
    private const string WrongCsvHeader = "The CSV header must be sensor_id,badge_id,read_at or sensor_id,badge_id,read_at,rssi.";

    private const string Required = "is required";
    private const string MustBeString = "must be a string";
    private const string Duplicate = "must appear only once";
    private const string NotAnObject = "must be a JSON object";
    private const string NotJsonLine = "must be one JSON object on one line";
    private const string NotUnicodeText = "must be valid Unicode text (a \\u escape holds a lone UTF-16 surrogate)";

    private const int ScratchBytes = 2048;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    /// <summary>Parses <paramref name="body"/> (a UTF-8 BOM is skipped). Reads are judged against
    /// <paramref name="now"/>, the time the request was received.</summary>
    public static ReadBatch Parse(ReadOnlySpan<byte> body, ReadBodyFormat format, DateTimeOffset now, ReadParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        var window = new TimeWindow(now - options.MaxAge, now + options.MaxAhead, options);
        return format switch
        {
            ReadBodyFormat.Json => ParseJson(body, window, options.MaxReads),
            ReadBodyFormat.NdJson => ParseNdJson(body, window, options.MaxReads),
            ReadBodyFormat.Csv => ParseCsv(body, window, options.MaxReads),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown body format."),
        };
    }

    private static ReadBatch ParseJson(ReadOnlySpan<byte> body, in TimeWindow window, int maxReads)
    {
        var reads = new List<ParsedRead>();
        List<ReadRejection>? rejections = null;
        Span<byte> scratch = stackalloc byte[ScratchBytes];
        var reader = new Utf8JsonReader(body, ReaderOptions);
        var sawReads = false;
        var count = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ReadBatch.Malformed(WrongJsonShape);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!NameIs(ref reader, "reads"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                if (sawReads)
                {
                    return ReadBatch.Malformed(DuplicateReads);
                }

                sawReads = true;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return ReadBatch.Malformed(WrongJsonShape);
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var index = count++;
                    if (count > maxReads)
                    {
                        return ReadBatch.TooMany();
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        (rejections ??= []).Add(new ReadRejection(index, ReadField.Read, NotAnObject));
                        continue;
                    }

                    Collect(ReadObject(ref reader, scratch, window), index, reads, ref rejections);
                }
            }

            // Anything after the root object makes Read throw: one JSON document per body.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            return ReadBatch.Malformed(NotValidJson, e.LineNumber + 1);
        }

        if (!sawReads)
        {
            return ReadBatch.Malformed(WrongJsonShape);
        }

        return count == 0 ? ReadBatch.Malformed(NoReads) : ReadBatch.Parsed(reads, rejections);
    }

    private static ReadBatch ParseNdJson(ReadOnlySpan<byte> body, in TimeWindow window, int maxReads)
    {
        var reads = new List<ParsedRead>();
        List<ReadRejection>? rejections = null;
        Span<byte> scratch = stackalloc byte[ScratchBytes];
        var count = 0;
        foreach (var rawLine in body.Split((byte)'\n'))
        {
            var line = body[rawLine].Trim(" \t\r"u8);
            if (line.IsEmpty)
            {
                continue;
            }

            var index = count++;
            if (count > maxReads)
            {
                return ReadBatch.TooMany();
            }

            // A bad line is one bad read: the lines around it are still whole reads.
            ReadOutcome outcome;
            try
            {
                var reader = new Utf8JsonReader(line, ReaderOptions);
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    (rejections ??= []).Add(new ReadRejection(index, ReadField.Read, NotAnObject));
                    continue;
                }

                outcome = ReadObject(ref reader, scratch, window);
                while (reader.Read())
                {
                }
            }
            catch (JsonException)
            {
                (rejections ??= []).Add(new ReadRejection(index, ReadField.Read, NotJsonLine));
                continue;
            }

            Collect(outcome, index, reads, ref rejections);
        }

        return count == 0 ? ReadBatch.Malformed(NoReads) : ReadBatch.Parsed(reads, rejections);
    }

    private static ReadBatch ParseCsv(ReadOnlySpan<byte> body, in TimeWindow window, int maxReads)
    {
        var reads = new List<ParsedRead>();
        List<ReadRejection>? rejections = null;
        Span<byte> scratch = stackalloc byte[CsvReadLine.RecommendedScratchBytes];
        var count = 0;
        var lineNumber = 0;
        var first = true;
        var position = 0;
        while (position < body.Length)
        {
            lineNumber++;
            var rowLength = CsvRowLength(body[position..], out var breaks);
            var line = body.Slice(position, rowLength).TrimEnd((byte)'\r');
            position += rowLength + 1;
            var rowLine = lineNumber;
            lineNumber += breaks;
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            if (first)
            {
                first = false;
                if (CsvReadLine.LooksLikeHeader(line))
                {
                    if (!CsvReadLine.IsHeader(line))
                    {
                        return ReadBatch.Malformed(WrongCsvHeader, rowLine);
                    }

                    continue;
                }
            }

            var index = count++;
            if (count > maxReads)
            {
                return ReadBatch.TooMany();
            }

            if (CsvReadLine.TryParse(line, scratch, out var fields) is { } splitError)
            {
                (rejections ??= []).Add(new ReadRejection(index, splitError.Field, splitError.Reason));
                continue;
            }

            if (fields.Validate(out var readAt, out var rssi) is { } fieldError)
            {
                (rejections ??= []).Add(new ReadRejection(index, fieldError.Field, fieldError.Reason));
                continue;
            }

            if (window.Check(readAt) is { } timeReason)
            {
                (rejections ??= []).Add(new ReadRejection(index, ReadField.ReadAt, timeReason));
                continue;
            }

            reads.Add(new ParsedRead(index, new SensorRead(
                Encoding.UTF8.GetString(fields.SensorId), Encoding.UTF8.GetString(fields.BadgeId), readAt, rssi, null)));
        }

        return count == 0 ? ReadBatch.Malformed(NoReads) : ReadBatch.Parsed(reads, rejections);
    }

    /// <summary>Length of the CSV row that starts <paramref name="rest"/>, up to (not including) its line break: a line
    /// break inside a quoted field belongs to the field (RFC 4180), and <paramref name="quotedBreaks"/> counts those. A
    /// quote opens a quoted field only at the start of a field, as <see cref="CsvReadLine.TryParse"/> reads it; a quote never
    /// closed ends its row at its own line break.</summary>
    private static int CsvRowLength(ReadOnlySpan<byte> rest, out int quotedBreaks)
    {
        quotedBreaks = 0;
        var i = 0;
        var fieldStart = true;
        while (i < rest.Length)
        {
            var b = rest[i];
            if (b == '\n')
            {
                return i;
            }

            if (fieldStart && b is (byte)' ' or (byte)'\t')
            {
                i++;
                continue;
            }

            if (fieldStart && b == '"')
            {
                // Inside quotes until a quote that is not doubled; an unterminated quote runs to the end of the body.
                i++;
                while (i < rest.Length)
                {
                    if (rest[i] == '"')
                    {
                        if (i + 1 < rest.Length && rest[i + 1] == '"')
                        {
                            i += 2;
                            continue;
                        }

                        break;
                    }

                    if (rest[i] == '\n')
                    {
                        quotedBreaks++;
                    }

                    i++;
                }

                if (i >= rest.Length)
                {
                    // Never closed: that is this line's fault alone, so the row ends at its own line break and the
                    // lines after it are still rows.
                    quotedBreaks = 0;
                    var lineEnd = rest.IndexOf((byte)'\n');
                    return lineEnd < 0 ? rest.Length : lineEnd;
                }

                i++;
                fieldStart = false;
                continue;
            }

            fieldStart = b == ',';
            i++;
        }

        return rest.Length;
    }

    private static void Collect(in ReadOutcome outcome, int index, List<ParsedRead> reads, ref List<ReadRejection>? rejections)
    {
        if (outcome.Read is { } read)
        {
            reads.Add(new ParsedRead(index, read));
        }
        else
        {
            (rejections ??= []).Add(new ReadRejection(index, outcome.Error.Field, outcome.Error.Reason));
        }
    }

    /// <summary>Reads one read object; the reader is on its StartObject and is left on its EndObject. Every property is
    /// consumed even after an error, so the next read starts in the right place.</summary>
    private static ReadOutcome ReadObject(ref Utf8JsonReader reader, scoped Span<byte> scratch, in TimeWindow window)
    {
        string? sensorId = null, badgeId = null, readId = null;
        DateTimeOffset readAt = default;
        short? rssi = null;
        var seen = 0;
        var errors = default(FieldErrors);

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = NameIs(ref reader, "sensorId"u8) ? FieldErrors.SensorId
                : NameIs(ref reader, "badgeId"u8) ? FieldErrors.BadgeId
                : NameIs(ref reader, "readAt"u8) ? FieldErrors.ReadAt
                : NameIs(ref reader, "rssi"u8) ? FieldErrors.Rssi
                : NameIs(ref reader, "readId"u8) ? FieldErrors.ReadId
                : -1;
            reader.Read();
            if (field < 0)
            {
                reader.Skip();
                continue;
            }

            var bit = 1 << field;
            if ((seen & bit) != 0)
            {
                errors.Set(field, Duplicate);
                reader.Skip();
                continue;
            }

            seen |= bit;
            var type = reader.TokenType;
            if (type == JsonTokenType.Null)
            {
                // null is "absent": required fields then fail as missing, optional ones are simply not there.
                seen &= ~bit;
                continue;
            }

            if (field == FieldErrors.Rssi)
            {
                if (type == JsonTokenType.Number && reader.TryGetInt64(out var value) && ReadFieldRules.IsValidRssi(value))
                {
                    rssi = (short)value;
                }
                else
                {
                    errors.Set(field, ReadFieldRules.RssiInvalid);
                    reader.Skip();
                }

                continue;
            }

            if (type != JsonTokenType.String)
            {
                errors.Set(field, MustBeString);
                reader.Skip();
                continue;
            }

            scoped ReadOnlySpan<byte> utf8;
            if (!reader.ValueIsEscaped)
            {
                utf8 = reader.ValueSpan;
            }
            else if (reader.ValueSpan.Length <= scratch.Length)
            {
                // Escaped text never grows when unescaped, so the scratch always holds it.
                if (!TryUnescape(ref reader, scratch, out var written))
                {
                    errors.Set(field, NotUnicodeText);
                    continue;
                }

                utf8 = scratch[..written];
            }
            else
            {
                errors.Set(field, field switch
                {
                    FieldErrors.SensorId => ReadFieldRules.SensorIdInvalid,
                    FieldErrors.BadgeId => ReadFieldRules.BadgeIdTooLong,
                    FieldErrors.ReadAt => ReadFieldRules.ReadAtInvalid,
                    _ => ReadFieldRules.ReadIdInvalid,
                });
                // Longer than any field may be, whatever it holds.
                continue;
            }

            switch (field)
            {
                case FieldErrors.SensorId:
                    if (ReadFieldRules.IsValidSensorId(utf8))
                    {
                        sensorId = Encoding.UTF8.GetString(utf8);
                    }
                    else
                    {
                        errors.Set(field, ReadFieldRules.SensorIdInvalid);
                    }

                    break;
                case FieldErrors.BadgeId:
                    if (ReadFieldRules.CheckBadgeId(utf8) is { } badgeReason)
                    {
                        errors.Set(field, badgeReason);
                    }
                    else
                    {
                        badgeId = Encoding.UTF8.GetString(utf8);
                    }

                    break;
                case FieldErrors.ReadAt:
                    if (!Rfc3339.TryParse(utf8, out readAt))
                    {
                        errors.Set(field, ReadFieldRules.ReadAtInvalid);
                    }
                    else if (window.Check(readAt) is { } timeReason)
                    {
                        errors.Set(field, timeReason);
                    }

                    break;
                default:
                    if (ReadFieldRules.IsValidReadId(utf8))
                    {
                        readId = Encoding.UTF8.GetString(utf8);
                    }
                    else
                    {
                        errors.Set(field, ReadFieldRules.ReadIdInvalid);
                    }

                    break;
            }
        }

        if ((seen & (1 << FieldErrors.SensorId)) == 0)
        {
            errors.Set(FieldErrors.SensorId, Required);
        }

        if ((seen & (1 << FieldErrors.BadgeId)) == 0)
        {
            errors.Set(FieldErrors.BadgeId, Required);
        }

        if ((seen & (1 << FieldErrors.ReadAt)) == 0)
        {
            errors.Set(FieldErrors.ReadAt, Required);
        }

        if (errors.First() is { } error)
        {
            return new ReadOutcome(null, error);
        }

        return new ReadOutcome(new SensorRead(sensorId!, badgeId!, readAt, rssi, readId), default);
    }

    /// <summary>Compares the current property name; a name whose escapes hold a lone surrogate (valid JSON grammar, not
    /// valid Unicode) matches no known name, so the property is ignored like any unknown one.</summary>
    private static bool NameIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.SequenceEqual(name);
        }

        try
        {
            return reader.ValueTextEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Unescapes the current string; false when its escapes do not make valid UTF-16 (a lone surrogate), which
    /// System.Text.Json reports by throwing InvalidOperationException.</summary>
    private static bool TryUnescape(ref Utf8JsonReader reader, scoped Span<byte> scratch, out int written)
    {
        try
        {
            written = reader.CopyString(scratch);
            return true;
        }
        catch (InvalidOperationException)
        {
            written = 0;
            return false;
        }
    }

    private readonly record struct ReadOutcome(SensorRead? Read, ReadFieldError Error);

    private readonly struct TimeWindow(DateTimeOffset earliest, DateTimeOffset latest, ReadParseOptions options)
    {
        public string? Check(DateTimeOffset readAt) =>
            readAt < earliest ? options.TooOldReason
            : readAt > latest ? options.TooFarAheadReason
            : null;
    }

    /// <summary>The first reason per field; a read reports its first faulty field in the order of the contract.</summary>
    private struct FieldErrors
    {
        public const int SensorId = 0;
        public const int BadgeId = 1;
        public const int ReadAt = 2;
        public const int Rssi = 3;
        public const int ReadId = 4;

        private string? _sensorId, _badgeId, _readAt, _rssi, _readId;

        public void Set(int field, string reason)
        {
            switch (field)
            {
                case SensorId: _sensorId ??= reason; break;
                case BadgeId: _badgeId ??= reason; break;
                case ReadAt: _readAt ??= reason; break;
                case Rssi: _rssi ??= reason; break;
                default: _readId ??= reason; break;
            }
        }

        public readonly ReadFieldError? First() =>
            _sensorId is not null ? new ReadFieldError(ReadField.SensorId, _sensorId)
            : _badgeId is not null ? new ReadFieldError(ReadField.BadgeId, _badgeId)
            : _readAt is not null ? new ReadFieldError(ReadField.ReadAt, _readAt)
            : _rssi is not null ? new ReadFieldError(ReadField.Rssi, _rssi)
            : _readId is not null ? new ReadFieldError(ReadField.ReadId, _readId)
            : null;
    }
}
