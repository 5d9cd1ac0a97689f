using System.Text;
using System.Text.Json;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Tests.Packing;

public sealed class RecordPackerTests
{
    /// <summary>Lines of the given sizes (each ends with '\n'), back to back.</summary>
    private static (byte[] Data, int[] Ends, int[] Indexes) Lines(params int[] sizes)
    {
        var data = new List<byte>();
        var ends = new int[sizes.Length];
        for (var i = 0; i < sizes.Length; i++)
        {
            data.AddRange(Enumerable.Repeat((byte)('a' + (i % 26)), sizes[i] - 1));
            data.Add((byte)'\n');
            ends[i] = data.Count;
        }

        return (data.ToArray(), ends, Enumerable.Range(100, sizes.Length).ToArray());
    }

    [Fact]
    public void PackLines_TenLinesOf1000Bytes_TwoRecordsOfFiveLines()
    {
        var (data, ends, indexes) = Lines(Enumerable.Repeat(1000, 10).ToArray());

        var packed = new RecordPacker(5100).PackLines(data, ends, indexes);

        Assert.Equal([5000, 5000], packed.Records.Select(r => r.Data.Length));
        Assert.Equal([100, 101, 102, 103, 104], packed.Records[0].ReadIndexes);
        Assert.Equal([105, 106, 107, 108, 109], packed.Records[1].ReadIndexes);
        Assert.Equal(10_000, packed.Bytes);
    }

    [Fact]
    public void PackLines_LinesFillingTheLimitExactly_StayInOneRecord()
    {
        var (data, ends, indexes) = Lines(1020, 1020, 1020, 1020, 1020, 1);

        var packed = new RecordPacker(5100).PackLines(data, ends, indexes);

        Assert.Equal([5100, 1], packed.Records.Select(r => r.Data.Length));
    }

    [Fact]
    public void PackLines_LineLongerThanTheLimit_TravelsAlone()
    {
        var (data, ends, indexes) = Lines(100, 6000, 100);

        var packed = new RecordPacker(5100).PackLines(data, ends, indexes);

        Assert.Equal([100, 6000, 100], packed.Records.Select(r => r.Data.Length));
        Assert.Equal([101], packed.Records[1].ReadIndexes);
    }

    [Fact]
    public void PackLines_NoLines_NoRecordsNoBatches()
    {
        var packed = new RecordPacker().PackLines(ReadOnlyMemory<byte>.Empty, [], []);
        Assert.Empty(packed.Records);
        Assert.Empty(packed.Batches);
    }

    [Fact]
    public void Batch_1201Records_500_500_201()
    {
        var records = Enumerable.Range(0, 1201).Select(i => new PackedRecord(new byte[10], [i])).ToList();

        var batches = new RecordPacker().Batch(records);

        Assert.Equal([500, 500, 201], batches.Select(b => b.Records.Count));
        Assert.Equal([5000L, 5000L, 2010L], batches.Select(b => b.Bytes));
    }

    [Fact]
    public void Batch_MegabyteRecords_CutAtFourMebibytes()
    {
        // 4 × 1,000,000 = 4,000,000 ≤ 4,194,304 < 5,000,000.
        var records = Enumerable.Range(0, 5).Select(i => new PackedRecord(new byte[1_000_000], [i])).ToList();

        var batches = new RecordPacker(maxRecordBytes: 1_000_000).Batch(records);

        Assert.Equal([4, 1], batches.Select(b => b.Records.Count));
    }

    [Fact]
    public void Pack_ThousandReads_RecordsAreWholeLinesUnderTheLimitAndCarryEveryReadOnceInOrder()
    {
        var at = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var reads = Enumerable.Range(0, 1000)
            .Select(i => new IndexedRead(i * 2, new PseudonymizedRead($"read-{i}", $"sensor-{i % 7}", new string('h', 43), at.AddSeconds(i), i % 3 == 0 ? null : (short)-(i % 100), at)))
            .ToList();

        var packed = new RecordPacker(5100).Pack(reads);

        Assert.All(packed.Records, r =>
        {
            Assert.InRange(r.Data.Length, 1, 5100);
            Assert.Equal((byte)'\n', r.Data.Span[^1]);
        });
        Assert.Equal(reads.Select(r => r.Index), packed.Records.SelectMany(r => r.ReadIndexes));
        var lines = packed.Records.SelectMany(r => Encoding.UTF8.GetString(r.Data.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(reads.Select(r => r.Read.ReadId), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("readId").GetString()));
        foreach (var record in packed.Records)
        {
            var ids = Encoding.UTF8.GetString(record.Data.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("readId").GetString());
            Assert.Equal(record.ReadIndexes.Select(i => $"read-{i / 2}"), ids);
        }

        Assert.Equal(packed.Records.Sum(r => (long)r.Data.Length), packed.Bytes);
        Assert.Single(packed.Batches);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(5100, 1)]
    [InlineData(5120, 1)]
    [InlineData(5121, 2)]
    [InlineData(1_024_000, 200)]
    public void BilledUnits_RoundsUpTo5KiB(int bytes, long units) => Assert.Equal(units, FirehoseBilling.BilledUnits(bytes));
}
