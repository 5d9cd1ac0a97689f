namespace BadgeFlow.Domain.Reads;

/// <summary>How parsing a request body ended.</summary>
public enum ReadBatchStatus
{
    /// <summary>The body was well formed; <see cref="ReadBatch.Reads"/> and <see cref="ReadBatch.Rejections"/> hold
    /// every read in it (at least one).</summary>
    Parsed,

    /// <summary>The body as a whole is unusable (not JSON, not <c>{"reads": [...]}</c>, a wrong CSV header, no reads):
    /// <see cref="ReadBatch.BodyError"/> says why. Answer 400.</summary>
    MalformedBody,

    /// <summary>The body holds more reads than allowed; parsing stopped at the first read over the limit. Answer 413.</summary>
    TooManyReads,
}

/// <summary>A valid read and its 0-based position among the reads of the request.</summary>
public readonly record struct ParsedRead(int Index, SensorRead Read);

/// <summary>A refused read: its 0-based position among the reads of the request, the field at fault
/// (<see cref="ReadField"/>) and why. Nothing in it echoes the badge ID.</summary>
public readonly record struct ReadRejection(int Index, string Field, string Reason);

/// <summary>Why a body is unusable as a whole. <paramref name="Line"/> (1-based) is given when known.</summary>
public sealed record ReadBodyError(string Message, long? Line = null);

/// <summary>The outcome of parsing one request body.</summary>
public sealed class ReadBatch
{
    private static readonly IReadOnlyList<ParsedRead> NoReads = [];
    private static readonly IReadOnlyList<ReadRejection> NoRejections = [];

    private ReadBatch(
        ReadBatchStatus status, IReadOnlyList<ParsedRead> reads, IReadOnlyList<ReadRejection> rejections,
        ReadBodyError? bodyError)
    {
        Status = status;
        Reads = reads;
        Rejections = rejections;
        BodyError = bodyError;
    }

    public ReadBatchStatus Status { get; }

    /// <summary>Valid reads, in request order. Empty unless <see cref="Status"/> is <see cref="ReadBatchStatus.Parsed"/>.</summary>
    public IReadOnlyList<ParsedRead> Reads { get; }

    /// <summary>Refused reads, in request order. Empty unless <see cref="Status"/> is <see cref="ReadBatchStatus.Parsed"/>.</summary>
    public IReadOnlyList<ReadRejection> Rejections { get; }

    /// <summary>Set when <see cref="Status"/> is <see cref="ReadBatchStatus.MalformedBody"/>.</summary>
    public ReadBodyError? BodyError { get; }

    /// <summary>Reads in the request, valid or not (when parsed).</summary>
    public int ReadCount => Reads.Count + Rejections.Count;

    internal static ReadBatch Parsed(List<ParsedRead> reads, List<ReadRejection>? rejections) =>
        new(ReadBatchStatus.Parsed, reads, rejections ?? NoRejections, null);

    internal static ReadBatch Malformed(string message, long? line = null) =>
        new(ReadBatchStatus.MalformedBody, NoReads, NoRejections, new ReadBodyError(message, line));

    internal static ReadBatch TooMany() => new(ReadBatchStatus.TooManyReads, NoReads, NoRejections, null);
}
