using System.Buffers;
using System.Text.Json;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Packing;

/// <summary>A pseudonymized read and its 0-based position among the reads of the request.</summary>
public readonly record struct IndexedRead(int Index, PseudonymizedRead Read);

/// <summary>One Firehose record: whole read lines, back to back, and which reads (request indexes) it carries, so a
/// record Firehose refuses maps back to exactly the reads the sensor must send again.</summary>
public sealed record PackedRecord(ReadOnlyMemory<byte> Data, IReadOnlyList<int> ReadIndexes);

/// <summary>Records for one PutRecordBatch call.</summary>
public sealed record RecordBatch(IReadOnlyList<PackedRecord> Records, long Bytes);

/// <summary>The reads of a request as Firehose records and PutRecordBatch batches.</summary>
public sealed record PackedReads(IReadOnlyList<PackedRecord> Records, IReadOnlyList<RecordBatch> Batches, long Bytes);

/// <summary>Packs read lines into Firehose records of at most <see cref="MaxRecordBytes"/> (DESIGN.md "Records": default
/// just under the 5 KiB unit Firehose bills by, so a record never starts a second unit) and the records into batches of at
/// most 500 records and 4 MiB (PutRecordBatch's limits). A line is never split across records: Transform and the
/// warehouse see whole lines. Order is kept, so every record is a contiguous slice of one buffer (no copies).</summary>
public sealed class RecordPacker
{
    public const int DefaultMaxRecordBytes = 5100;

    public RecordPacker(int maxRecordBytes = DefaultMaxRecordBytes, int maxBatchRecords = AwsQuotas.FirehoseMaxBatchRecords, int maxBatchBytes = AwsQuotas.FirehoseMaxBatchBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecordBytes, AwsQuotas.FirehoseMaxRecordBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchRecords, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatchRecords, AwsQuotas.FirehoseMaxBatchRecords);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchBytes, maxRecordBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatchBytes, AwsQuotas.FirehoseMaxBatchBytes);
        MaxRecordBytes = maxRecordBytes;
        MaxBatchRecords = maxBatchRecords;
        MaxBatchBytes = maxBatchBytes;
    }

    public int MaxRecordBytes { get; }

    public int MaxBatchRecords { get; }

    public int MaxBatchBytes { get; }

    /// <summary>Serializes <paramref name="reads"/> as wire lines and packs them.</summary>
    public PackedReads Pack(IReadOnlyList<IndexedRead> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, reads.Count * 220));
        var lineEnds = new int[reads.Count];
        using (var writer = new Utf8JsonWriter(buffer))
        {
            for (var i = 0; i < reads.Count; i++)
            {
                ProducerLine.Write(writer, buffer, reads[i].Read);
                lineEnds[i] = buffer.WrittenCount;
            }
        }

        var data = buffer.WrittenMemory;
        var indexes = new int[reads.Count];
        for (var i = 0; i < reads.Count; i++)
        {
            indexes[i] = reads[i].Index;
        }

        return PackLines(data, lineEnds, indexes);
    }

    /// <summary>Packs lines already written back to back in <paramref name="data"/>: line i ends (exclusive) at
    /// <paramref name="lineEnds"/>[i] and carries read <paramref name="readIndexes"/>[i].</summary>
    public PackedReads PackLines(ReadOnlyMemory<byte> data, ReadOnlySpan<int> lineEnds, ReadOnlySpan<int> readIndexes)
    {
        if (lineEnds.Length != readIndexes.Length)
        {
            throw new ArgumentException("Every line needs its read index.", nameof(readIndexes));
        }

        var records = new List<PackedRecord>(Math.Max(1, data.Length / MaxRecordBytes + 1));
        var recordStart = 0;
        var firstLine = 0;
        var lineStart = 0;
        for (var line = 0; line < lineEnds.Length; line++)
        {
            var lineEnd = lineEnds[line];
            if (lineEnd - lineStart > AwsQuotas.FirehoseMaxRecordBytes)
            {
                throw new ArgumentException($"Line {line} is {lineEnd - lineStart} bytes, over Firehose's record limit.", nameof(lineEnds));
            }

            // Close the current record when this line would take it over the limit. A line longer than the limit on
            // its own still travels, alone, in one record (within Firehose's limit).
            if (line > firstLine && lineEnd - recordStart > MaxRecordBytes)
            {
                records.Add(new PackedRecord(data[recordStart..lineStart], readIndexes[firstLine..line].ToArray()));
                recordStart = lineStart;
                firstLine = line;
            }

            lineStart = lineEnd;
        }

        if (lineEnds.Length > firstLine)
        {
            records.Add(new PackedRecord(data[recordStart..lineStart], readIndexes[firstLine..].ToArray()));
        }

        return new PackedReads(records, Batch(records), (long)lineStart);
    }

    /// <summary>Groups records, in order, into batches within the record-count and byte limits.</summary>
    public IReadOnlyList<RecordBatch> Batch(IReadOnlyList<PackedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batches = new List<RecordBatch>();
        var current = new List<PackedRecord>();
        long bytes = 0;
        foreach (var record in records)
        {
            if (current.Count > 0 && (current.Count == MaxBatchRecords || bytes + record.Data.Length > MaxBatchBytes))
            {
                batches.Add(new RecordBatch(current, bytes));
                current = [];
                bytes = 0;
            }

            current.Add(record);
            bytes += record.Data.Length;
        }

        if (current.Count > 0)
        {
            batches.Add(new RecordBatch(current, bytes));
        }

        return batches;
    }
}

/// <summary>Firehose ingestion pricing: each record is billed in 5 KiB increments, rounded up.</summary>
public static class FirehoseBilling
{
    public const int BillingUnitBytes = 5 * 1024;

    public static long BilledUnits(int recordBytes) => recordBytes <= 0 ? 0 : ((long)recordBytes + BillingUnitBytes - 1) / BillingUnitBytes;

    public static long BilledUnits(IEnumerable<int> recordSizes)
    {
        ArgumentNullException.ThrowIfNull(recordSizes);
        return recordSizes.Sum(BilledUnits);
    }
}
