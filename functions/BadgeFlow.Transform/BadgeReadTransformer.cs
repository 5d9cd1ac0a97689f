using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Transform;

/// <summary>How one Firehose record ended.</summary>
public enum RecordStatus
{
    /// <summary>Every line became a <c>badge_reads</c> row.</summary>
    Ok,

    /// <summary>The record held no reads (blank lines or only a CSV header): nothing to load.</summary>
    Empty,

    /// <summary>A Producer line could not be read; the whole record is refused (see <see cref="BadgeReadTransformer"/>).</summary>
    Failed,
}

/// <summary>Why a record was refused: the 1-based line, the field and the reason. Never the value itself.</summary>
public readonly record struct RecordFailure(int Line, string Field, string Reason);

/// <summary>The outcome of one record: its status, the rows written, how many came from sensors missing from the
/// campus registry, and how many invalid lines were skipped (see <see cref="BadgeReadTransformer"/>).</summary>
public readonly record struct RecordOutcome(RecordStatus Status, int Reads, int UnmappedReads, RecordFailure? Failure, int SkippedLines = 0);

/// <summary>Turns the bytes of one Firehose record into <c>badge_reads</c> rows (ARCHITECTURE.md "Wire records"): the
/// Producer's JSON lines and the Kinesis Agent's CSV lines (whose badge IDs it pseudonymizes), enriched with zone and
/// venue from the campus registry. Works on UTF-8 bytes from end to end; allocates nothing per read.</summary>
/// <remarks>
/// Firehose takes exactly one result per record, and keeps a failed record byte for byte under the error prefix. A
/// record of Producer lines only is all or nothing: a bad line fails it whole, for a replay (it holds badge hashes
/// only). A record holding any Kinesis Agent line is never failed for a bad line: a failed record would keep the raw
/// badge IDs of all its agent lines. Its valid lines are loaded, and each invalid line is skipped and counted by its
/// field and reason (never by its content), so the loss is visible in the log and the metrics.
/// </remarks>
public sealed class BadgeReadTransformer
{
    /// <summary>Columns of <c>badge_reads</c>, in table order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["read_id", "read_at", "badge_hash", "sensor_id", "zone_id", "venue", "rssi", "received_at", "source"];

    /// <summary><c>YYYY-MM-DD HH:MM:SS.ffffff</c>: what Redshift COPY (<c>TIMEFORMAT 'auto'</c>) and DuckDB both read.</summary>
    public const int WarehouseTimestampLength = 26;

    // One scratch serves both kinds of line.
    private const int ScratchBytes = CsvReadLine.RecommendedScratchBytes > ProducerLine.ScratchBytes ? CsvReadLine.RecommendedScratchBytes : ProducerLine.ScratchBytes;

    private static readonly JsonEncodedText ReadIdName = JsonEncodedText.Encode("read_id");
    private static readonly JsonEncodedText ReadAtName = JsonEncodedText.Encode("read_at");
    private static readonly JsonEncodedText BadgeHashName = JsonEncodedText.Encode("badge_hash");
    private static readonly JsonEncodedText SensorIdName = JsonEncodedText.Encode("sensor_id");
    private static readonly JsonEncodedText ZoneIdName = JsonEncodedText.Encode("zone_id");
    private static readonly JsonEncodedText VenueName = JsonEncodedText.Encode("venue");
    private static readonly JsonEncodedText RssiName = JsonEncodedText.Encode("rssi");
    private static readonly JsonEncodedText ReceivedAtName = JsonEncodedText.Encode("received_at");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText ApiSource = JsonEncodedText.Encode("api");
    private static readonly JsonEncodedText AgentSource = JsonEncodedText.Encode("agent");

    private readonly BadgePseudonymizer _pseudonymizer;
    private readonly FrozenDictionary<string, Placement>.AlternateLookup<ReadOnlySpan<char>> _placements;

    public BadgeReadTransformer(CampusRegistry campus, BadgePseudonymizer pseudonymizer)
    {
        ArgumentNullException.ThrowIfNull(campus);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        _pseudonymizer = pseudonymizer;

        // Zone and venue are encoded once here, not once per read.
        _placements = campus.Sensors
            .ToFrozenDictionary(
                s => s.Id,
                s => new Placement(JsonEncodedText.Encode(s.Zone.Id), JsonEncodedText.Encode(s.Zone.Venue.Id)),
                StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Creates the JSON writer <see cref="Transform"/> writes rows with; one per invocation.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) =>
        new(output, new JsonWriterOptions { SkipValidation = true, Indented = false });

    /// <summary>Appends the rows of one record (decoded bytes) to <paramref name="output"/> through
    /// <paramref name="writer"/> (from <see cref="CreateWriter"/> over the same output). On failure some rows may already
    /// be written: the caller discards them.</summary>
    /// <param name="data">The record's bytes.</param>
    /// <param name="arrivedAt">When Firehose received the record: the <c>received_at</c> of agent lines.</param>
    /// <param name="output">Receives newline-terminated JSON rows.</param>
    /// <param name="writer">Writes into <paramref name="output"/>.</param>
    /// <param name="unmappedSensors">Collects the IDs of sensors the campus does not know (up to a few dozen), for the log.</param>
    /// <param name="skippedByReason">Counts the skipped invalid lines by "field reason".</param>
    public RecordOutcome Transform(
        ReadOnlySpan<byte> data, DateTimeOffset arrivedAt, IBufferWriter<byte> output, Utf8JsonWriter writer,
        ISet<string>? unmappedSensors = null, IDictionary<string, int>? skippedByReason = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writer);
        var reads = 0;
        var unmapped = 0;
        var lineNumber = 0;
        var hasAgentLines = false;
        RecordFailure? producerFailure = null;
        List<ReadFieldError>? skipped = null;
        Span<byte> scratch = stackalloc byte[ScratchBytes];
        foreach (var range in data.Split((byte)'\n'))
        {
            lineNumber++;
            var line = data[range].Trim(" \t\r"u8);
            if (line.IsEmpty)
            {
                continue;
            }

            scoped LineResult result;
            var isApiLine = ProducerLine.IsCandidate(line);
            if (isApiLine)
            {
                result = WriteApiLine(line, scratch, writer);
            }
            else if (CsvReadLine.LooksLikeHeader(line) && CsvReadLine.IsHeader(line))
            {
                // The agent ships a log file's header line like any other line, wherever rotation puts it.
                continue;
            }
            else
            {
                hasAgentLines = true;
                result = WriteAgentLine(line, scratch, arrivedAt, writer);
            }

            if (result.Error is { } error)
            {
                // The row may be half written: drop what the writer holds; earlier rows are already in the output.
                writer.Reset(output);
                producerFailure ??= isApiLine ? new RecordFailure(lineNumber, error.Field, error.Reason) : null;
                (skipped ??= []).Add(error);
                continue;
            }

            writer.Flush();
            output.GetSpan(1)[0] = (byte)'\n';
            output.Advance(1);
            writer.Reset(output);
            reads++;
            if (result.UnmappedSensor.Length > 0)
            {
                unmapped++;
                Remember(unmappedSensors, result.UnmappedSensor);
            }
        }

        if (producerFailure is { } failure && !hasAgentLines)
        {
            return new RecordOutcome(RecordStatus.Failed, 0, 0, failure);
        }

        if (skipped is not null && skippedByReason is not null)
        {
            foreach (var error in skipped)
            {
                var key = error.Field + " " + error.Reason;
                skippedByReason[key] = skippedByReason.TryGetValue(key, out var n) ? n + 1 : 1;
            }
        }

        return new RecordOutcome(reads == 0 ? RecordStatus.Empty : RecordStatus.Ok, reads, unmapped, null, skipped?.Count ?? 0);
    }

    /// <summary>Writes <paramref name="value"/> in UTC as <c>YYYY-MM-DD HH:MM:SS.ffffff</c> (26 bytes; sub-microsecond
    /// ticks are truncated, the precision of a Redshift TIMESTAMP).</summary>
    public static void FormatWarehouseTimestamp(DateTimeOffset value, Span<byte> destination)
    {
        Rfc3339.FormatUtc(value, destination);
        destination[10] = (byte)' ';
    }

    /// <summary>A Producer wire line (<see cref="ProducerLine"/>).</summary>
    private LineResult WriteApiLine(ReadOnlySpan<byte> line, Span<byte> scratch, Utf8JsonWriter writer)
    {
        if (ProducerLine.TryRead(line, scratch, out var read) is { } error)
        {
            return LineResult.Fail(error.Field, error.Reason);
        }

        var mapped = TryPlace(read.SensorId, out var placement);
        WriteRow(writer, read.ReadId, read.ReadAt, read.BadgeHash, read.SensorId, mapped ? placement : null, read.Rssi, read.ReceivedAt, ApiSource);
        return new LineResult(null, mapped ? default : read.SensorId);
    }

    /// <summary>A Kinesis Agent line <c>sensor_id,badge_id,read_at[,rssi]</c>: the badge ID is pseudonymized here, the
    /// read ID derived as the Producer would, and <c>received_at</c> is when Firehose received the record. No age check:
    /// the read is already in the pipeline, and refusing it now would only lose it.</summary>
    private LineResult WriteAgentLine(ReadOnlySpan<byte> line, Span<byte> scratch, DateTimeOffset arrivedAt, Utf8JsonWriter writer)
    {
        if (CsvReadLine.TryParse(line, scratch, out var fields) is { } splitError)
        {
            return LineResult.Fail(splitError.Field == ReadField.Read ? ProducerLine.Field.Line : splitError.Field, splitError.Reason);
        }

        if (fields.Validate(out var readAt, out var rssi) is { } fieldError)
        {
            return LineResult.Fail(fieldError.Field, fieldError.Reason);
        }

        Span<byte> badgeHash = stackalloc byte[BadgePseudonymizer.HashLength];
        _pseudonymizer.PseudonymizeUtf8(fields.BadgeId, badgeHash);
        Span<byte> readId = stackalloc byte[ReadIdentity.DerivedLength];
        ReadIdentity.DeriveUtf8(fields.SensorId, badgeHash, readAt, readId);

        var mapped = TryPlace(fields.SensorId, out var placement);
        WriteRow(writer, readId, readAt, badgeHash, fields.SensorId, mapped ? placement : null, rssi, arrivedAt, AgentSource);
        return new LineResult(null, mapped ? default : fields.SensorId);
    }

    private static void WriteRow(
        Utf8JsonWriter writer, ReadOnlySpan<byte> readId, DateTimeOffset readAt, ReadOnlySpan<byte> badgeHash,
        ReadOnlySpan<byte> sensorId, Placement? placement, short? rssi, DateTimeOffset receivedAt, JsonEncodedText source)
    {
        Span<byte> timestamp = stackalloc byte[Rfc3339.UtcFormatLength];
        writer.WriteStartObject();
        writer.WriteString(ReadIdName, readId);
        FormatWarehouseTimestamp(readAt, timestamp);
        writer.WriteString(ReadAtName, timestamp[..WarehouseTimestampLength]);
        writer.WriteString(BadgeHashName, badgeHash);
        writer.WriteString(SensorIdName, sensorId);
        if (placement is { } place)
        {
            writer.WriteString(ZoneIdName, place.ZoneId);
            writer.WriteString(VenueName, place.Venue);
        }
        else
        {
            writer.WriteNull(ZoneIdName);
            writer.WriteNull(VenueName);
        }

        if (rssi is { } value)
        {
            writer.WriteNumber(RssiName, value);
        }
        else
        {
            writer.WriteNull(RssiName);
        }

        FormatWarehouseTimestamp(receivedAt, timestamp);
        writer.WriteString(ReceivedAtName, timestamp[..WarehouseTimestampLength]);
        writer.WriteString(SourceName, source);
        writer.WriteEndObject();
    }

    private bool TryPlace(ReadOnlySpan<byte> sensorId, out Placement placement)
    {
        // Sensor IDs are validated ASCII of at most 64 bytes.
        Span<char> chars = stackalloc char[ReadFieldRules.MaxSensorIdLength];
        var length = Encoding.ASCII.GetChars(sensorId, chars);
        return _placements.TryGetValue(chars[..length], out placement!);
    }

    private static void Remember(ISet<string>? unmappedSensors, ReadOnlySpan<byte> sensorId)
    {
        const int MaxRemembered = 50;
        if (unmappedSensors is null || unmappedSensors.Count >= MaxRemembered)
        {
            return;
        }

        unmappedSensors.Add(Encoding.ASCII.GetString(sensorId));
    }

    private sealed record Placement(JsonEncodedText ZoneId, JsonEncodedText Venue);

    private readonly ref struct LineResult(ReadFieldError? error, ReadOnlySpan<byte> unmappedSensor)
    {
        public ReadFieldError? Error { get; } = error;

        /// <summary>The sensor ID when the campus does not know it, else empty.</summary>
        public ReadOnlySpan<byte> UnmappedSensor { get; } = unmappedSensor;

        public static LineResult Fail(string field, string reason) => new(new ReadFieldError(field, reason), default);
    }
}
