using System.Buffers.Binary;
using System.Globalization;

namespace BadgeFlow.Local.Firehose;

/// <summary>A record read back from the intake log: its sequence number, Firehose arrival time and data.</summary>
internal sealed record LoggedRecord(long Sequence, long ArrivalTimestamp, byte[] Data);

/// <summary>
/// The delivery stream's durable intake: every accepted record is appended here before PutRecord/PutRecordBatch
/// answers, and a checkpoint names the highest sequence number up to which everything is settled (loaded, or kept under
/// processing-failed). After a crash the records past the checkpoint are delivered again: at least once, as Firehose
/// promises (the density query counts distinct read ids). Appends are written to the OS before the answer, which a
/// killed process cannot lose; surviving a power cut would need an fsync per batch, which the local stack does not pay.
/// </summary>
/// <remarks>Segment files are named by their first sequence number and hold
/// <c>[int64 sequence][int64 arrival ms][int32 length][data]</c> entries, little-endian. A torn last entry (the process
/// died while writing a batch it had not yet acknowledged) is ignored. Not thread-safe: the stream serialises calls.</remarks>
internal sealed class IntakeLog : IDisposable
{
    private const int HeaderBytes = 20;
    private const string CheckpointFile = "checkpoint";
    private const string SegmentSuffix = ".log";

    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly List<long> _segments = []; // first sequence of each segment, ascending; the last is being written
    private FileStream? _current;

    private IntakeLog(string folder, long segmentBytes)
    {
        _folder = folder;
        _segmentBytes = segmentBytes;
    }

    /// <summary>Sequence numbers up to this are settled.</summary>
    public long SettledThrough { get; private set; }

    /// <summary>The highest sequence number in the log (or the checkpoint when the log holds none past it).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Opens (creating if needed) the log in <paramref name="folder"/> and returns the records not yet settled.</summary>
    public static IntakeLog Open(string folder, long segmentBytes, out List<LoggedRecord> pending)
    {
        Directory.CreateDirectory(folder);
        var log = new IntakeLog(folder, segmentBytes);
        var checkpointPath = Path.Combine(folder, CheckpointFile);
        if (File.Exists(checkpointPath)
            && long.TryParse(File.ReadAllText(checkpointPath).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var settled))
        {
            log.SettledThrough = settled;
        }

        log.LastSequence = log.SettledThrough;
        pending = [];
        foreach (var first in Directory.EnumerateFiles(folder, "*" + SegmentSuffix)
                     .Select(p => long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1)
                     .Where(n => n >= 0)
                     .Order())
        {
            log._segments.Add(first);
            log.LastSequence = Math.Max(log.LastSequence, ReadSegment(log.SegmentPath(first), log.SettledThrough, pending));
        }

        // Appends go to a fresh segment: a torn tail of the old one stays behind its last whole entry.
        log.StartSegment(log.LastSequence + 1);
        log.DeleteSettledSegments();
        return log;
    }

    public void Append(long sequence, long arrivalTimestamp, ReadOnlySpan<byte> data)
    {
        if (_current!.Length >= _segmentBytes)
        {
            _current.Flush();
            _current.Dispose();
            StartSegment(sequence);
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteInt64LittleEndian(header, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], arrivalTimestamp);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], data.Length);
        _current.Write(header);
        _current.Write(data);
        LastSequence = sequence;
    }

    /// <summary>Hands everything appended to the OS: from here a crash of this process loses none of it.</summary>
    public void Flush() => _current!.Flush();

    /// <summary>Records that everything up to <paramref name="sequence"/> is settled, and drops segments wholly behind it.</summary>
    public void Checkpoint(long sequence)
    {
        if (sequence <= SettledThrough)
        {
            return;
        }

        SettledThrough = sequence;
        var path = Path.Combine(_folder, CheckpointFile);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, sequence.ToString(CultureInfo.InvariantCulture));
        File.Move(temporary, path, overwrite: true);
        DeleteSettledSegments();
    }

    /// <summary>Removes the log: the stream was deleted with nothing left to deliver.</summary>
    public void Delete()
    {
        Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    private void StartSegment(long firstSequence)
    {
        if (_segments.Count == 0 || _segments[^1] != firstSequence)
        {
            _segments.Add(firstSequence);
        }

        _current = new FileStream(SegmentPath(firstSequence), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    private void DeleteSettledSegments()
    {
        // A segment is wholly settled when the next one starts at or before the checkpoint + 1; the last never goes.
        while (_segments.Count > 1 && _segments[1] - 1 <= SettledThrough)
        {
            File.Delete(SegmentPath(_segments[0]));
            _segments.RemoveAt(0);
        }
    }

    private string SegmentPath(long firstSequence) =>
        Path.Combine(_folder, firstSequence.ToString("D20", CultureInfo.InvariantCulture) + SegmentSuffix);

    /// <summary>Adds the segment's records past <paramref name="settledThrough"/> to <paramref name="pending"/>, cuts a
    /// torn tail off (so later appends follow a whole entry) and returns the highest sequence number it holds.</summary>
    private static long ReadSegment(string path, long settledThrough, List<LoggedRecord> pending)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        var header = new byte[HeaderBytes];
        long last = 0, whole = 0;
        while (file.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) == HeaderBytes)
        {
            var sequence = BinaryPrimitives.ReadInt64LittleEndian(header);
            var arrival = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8));
            var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16));
            if (length < 0 || length > file.Length - file.Position)
            {
                break;
            }

            var data = new byte[length];
            file.ReadExactly(data);
            whole = file.Position;
            last = Math.Max(last, sequence);
            if (sequence > settledThrough)
            {
                pending.Add(new LoggedRecord(sequence, arrival, data));
            }
        }

        if (file.Length > whole)
        {
            file.SetLength(whole);
        }

        return last;
    }
}
