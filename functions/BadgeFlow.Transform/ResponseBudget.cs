namespace BadgeFlow.Transform;

/// <summary>Keeps the serialized response under Lambda's 6 MB limit for a synchronous invocation's response (Firehose
/// invokes Transform synchronously). A response over the limit fails the whole invocation, and Firehose then retries
/// and finally fails every record of the batch; so sizes are estimated on the high side while records are transformed,
/// and room is always kept for the small entries of the records still to come.</summary>
internal sealed class ResponseBudget
{
    // {"records":[ ... ]} plus slack for anything the serializer adds around the records.
    private const int DocumentOverhead = 1024;

    // {"recordId":"","result":""} + ,"data":"" + "," between entries, with room to spare.
    private const int EntryOverhead = 64;

    private readonly long _limit;
    private long _committed;
    private long _reserved;

    public ResponseBudget(long limit, IReadOnlyList<string> recordIds)
    {
        _limit = limit;
        _committed = DocumentOverhead;
        foreach (var id in recordIds)
        {
            _reserved += SmallEntrySize(id);
        }
    }

    /// <summary>Bytes committed so far (an upper bound of the response size).</summary>
    public long Committed => _committed;

    /// <summary>Commits the entry of a record that carries no data (<c>Dropped</c>, <c>ProcessingFailed</c>).</summary>
    public void CommitSmallEntry(string recordId)
    {
        var size = SmallEntrySize(recordId);
        _reserved -= size;
        _committed += size;
    }

    /// <summary>Commits an <c>Ok</c> entry with <paramref name="base64Data"/> if it fits beside the room kept for the
    /// remaining records; otherwise commits nothing and returns false.</summary>
    public bool TryCommitDataEntry(string recordId, string base64Data)
    {
        var small = SmallEntrySize(recordId);

        // Serialized with TransformResponseJson's encoder, base64 is written as it is: one byte per character.
        var size = small + base64Data.Length;
        if (_committed + size + (_reserved - small) > _limit)
        {
            return false;
        }

        _reserved -= small;
        _committed += size;
        return true;
    }

    private static long SmallEntrySize(string recordId)
    {
        // Record ids are ASCII letters and digits in practice; count anything else as a 6-character escape.
        long size = EntryOverhead + "ProcessingFailed".Length;
        foreach (var c in recordId)
        {
            size += char.IsAsciiLetterOrDigit(c) ? 1 : 6;
        }

        return size;
    }
}
