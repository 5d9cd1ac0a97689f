using System.Text;
using BadgeFlow.Domain.Reads;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace BadgeFlow.Domain.Tests.Reads;

/// <summary>Hostile bodies (issue 13): whatever a client sends, the parser answers (never throws) and every read it
/// counts ends up exactly once among the valid reads or the rejections.</summary>
public sealed class SensorReadParserPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 5, 0, TimeSpan.Zero);
    private static readonly ReadParseOptions Options = new();

    // Seeded: the same cases on every run, so a failure reproduces.
    private static readonly Config Seeded = Config.QuickThrowOnFailure
        .WithMaxTest(400)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20261125UL, 1301UL), FSharpOption<int>.None)));

    private const string ValidJsonRead = """{"sensorId":"S-TEST","badgeId":"B2","readAt":"2026-11-25T10:00:00Z"}""";
    private const string ValidCsvRow = "S-TEST,B2,2026-11-25T10:00:00Z";

    // JSON string content fragments: plain text, every escape form, lone and paired surrogates, multi-byte UTF-8.
    private static readonly string[] JsonFragments =
    [
        "B", "S-TEST", "2026-11-25T10:00:00Z", " ", "é", "😀", "\\ud800", "\\udc00", "\\uDBFF", "\\uD83D\\uDE00",
        "\\u0041", "\\u0000", "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\u00e9", "\\uFFFF",
    ];

    private static readonly string[] PropertyNames =
    [
        "sensorId", "badgeId", "readAt", "rssi", "readId", "badge\\u0049d", "\\ud800", "sensor\\udc00Id", "x", "\\uD83D\\uDE00",
    ];

    // CSV field content fragments: separators, quotes and line breaks that must stay inside a quoted field.
    private static readonly string[] CsvFragments =
    [
        "B", "S-TEST", "2026-11-25T10:00:00Z", "-61", ",", "\"", "\n", "\r\n", " ", "\t", "é", "😀", "\uFFFD", "x",
    ];

    [Fact]
    public void Parse_ArbitraryBytes_NeverThrowsAndPartitionsTheReads()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));
        var format = Gen.Elements(ReadBodyFormat.Json, ReadBodyFormat.NdJson, ReadBodyFormat.Csv);
        var cases = Gen.Zip(bytes, format).ToArbitrary();

        Check.One(Seeded, Prop.ForAll(cases, c =>
        {
            var batch = SensorReadParser.Parse(c.Item1, c.Item2, Now, Options);
            return Partitions(batch);
        }));
    }

    [Fact]
    public void Parse_JsonReadsWithArbitraryEscapes_CountsEveryReadAndKeepsTheValidOne()
    {
        var cases = Gen.Zip(Gen.ListOf(JsonReadObject()).Select(l => l.ToArray()), Gen.Choose(0, 20)).ToArbitrary();

        Check.One(Seeded, Prop.ForAll(cases, c =>
        {
            var (objects, slot) = (c.Item1, c.Item2 % (c.Item1.Length + 1));
            var reads = objects.ToList();
            reads.Insert(slot, ValidJsonRead);
            var body = "{\"reads\":[" + string.Join(",", reads) + "]}";
            return AllCountedWithValidAt(Parse(body, ReadBodyFormat.Json), reads.Count, slot);
        }));
    }

    [Fact]
    public void Parse_NdJsonReadsWithArbitraryEscapes_CountsEveryLineAndKeepsTheValidOne()
    {
        var cases = Gen.Zip(Gen.ListOf(JsonReadObject()).Select(l => l.ToArray()), Gen.Choose(0, 20)).ToArbitrary();

        Check.One(Seeded, Prop.ForAll(cases, c =>
        {
            var (objects, slot) = (c.Item1, c.Item2 % (c.Item1.Length + 1));
            var reads = objects.ToList();
            reads.Insert(slot, ValidJsonRead);
            return AllCountedWithValidAt(Parse(string.Join("\n", reads), ReadBodyFormat.NdJson), reads.Count, slot);
        }));
    }

    [Fact]
    public void Parse_CsvRowsWithQuotedSeparatorsAndLineBreaks_CountsEveryRowAndKeepsTheValidOne()
    {
        var field = Gen.ListOf(Gen.Elements(CsvFragments)).Select(f => "\"" + string.Concat(f).Replace("\"", "\"\"") + "\"");
        var row = Gen.Choose(3, 4).SelectMany(n => Gen.ArrayOf(field, n)).Select(f => string.Join(",", f));
        var cases = Gen.Zip(Gen.Zip(Gen.ListOf(row).Select(l => l.ToArray()), Gen.Choose(0, 20)), Gen.Elements("\n", "\r\n"))
            .Select(c => (Rows: c.Item1.Item1, Slot: c.Item1.Item2, Newline: c.Item2)).ToArbitrary();

        Check.One(Seeded, Prop.ForAll(cases, c =>
        {
            var (rows, slot, newline) = (c.Rows.ToList(), c.Slot % (c.Rows.Length + 1), c.Newline);
            rows.Insert(slot, ValidCsvRow);
            return AllCountedWithValidAt(Parse(string.Join(newline, rows), ReadBodyFormat.Csv), rows.Count, slot);
        }));
    }

    [Fact]
    public void Parse_CsvQuotedFieldWithLineBreak_IsOneRow()
    {
        var batch = Parse("S-TEST,\"B\nC\",2026-11-25T10:00:00Z\nS-TEST,B2,2026-11-25T10:00:00Z\n", ReadBodyFormat.Csv);

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Equal(2, batch.ReadCount);
        Assert.Equal(0, Assert.Single(batch.Rejections).Index);
        Assert.Equal((1, "B2"), (batch.Reads[0].Index, batch.Reads[0].Read.BadgeId));
    }

    [Theory]
    [InlineData("""{"reads":[{"sensorId":"S-TEST","badgeId":"\ud800","readAt":"2026-11-25T10:00:00Z"},""" + ValidJsonRead + "]}", ReadBodyFormat.Json)]
    [InlineData("""{"reads":[{"sensorId":"S-TEST","badgeId":"\udc00","readAt":"2026-11-25T10:00:00Z"},""" + ValidJsonRead + "]}", ReadBodyFormat.Json)]
    [InlineData("""{"sensorId":"S-\ud800","badgeId":"B1","readAt":"2026-11-25T10:00:00Z"}""" + "\n" + ValidJsonRead, ReadBodyFormat.NdJson)]
    public void Parse_LoneSurrogateEscapeInValue_RejectsThatReadAndKeepsTheOther(string body, ReadBodyFormat format)
    {
        var batch = Parse(body, format);

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Equal(0, Assert.Single(batch.Rejections).Index);
        Assert.Equal((1, "B2"), (Assert.Single(batch.Reads).Index, batch.Reads[0].Read.BadgeId));
    }

    [Fact]
    public void Parse_LoneSurrogateEscapeInPropertyName_IgnoresThatProperty()
    {
        var batch = Parse("""{"\ud800":1,"reads":[{"sensorId":"S-TEST","\udc00x":"y","badgeId":"B1","readAt":"2026-11-25T10:00:00Z"}]}""", ReadBodyFormat.Json);

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Empty(batch.Rejections);
        Assert.Equal("B1", Assert.Single(batch.Reads).Read.BadgeId);
    }

    private static Gen<string> JsonReadObject()
    {
        var text = Gen.ListOf(Gen.Elements(JsonFragments)).Select(f => "\"" + string.Concat(f) + "\"");
        var value = Gen.OneOf(text, Gen.Elements("-61", "null", "true", "{}", "[1,\"\\ud800\"]", "1e400"));
        var property = Gen.Zip(Gen.Elements(PropertyNames), value).Select(p => "\"" + p.Item1 + "\":" + p.Item2);
        return Gen.ListOf(property).Select(p => "{" + string.Join(",", p) + "}");
    }

    private static ReadBatch Parse(string body, ReadBodyFormat format) =>
        SensorReadParser.Parse(Encoding.UTF8.GetBytes(body), format, Now, Options);

    /// <summary>The body is well formed with <paramref name="reads"/> reads: each counted once, the valid one at
    /// <paramref name="validIndex"/> accepted.</summary>
    private static bool AllCountedWithValidAt(ReadBatch batch, int reads, int validIndex) =>
        (reads > Options.MaxReads
            ? batch.Status == ReadBatchStatus.TooManyReads
            : batch.Status == ReadBatchStatus.Parsed && batch.ReadCount == reads
                && batch.Reads.Any(r => r.Index == validIndex && r.Read.BadgeId == "B2"))
        && Partitions(batch);

    private static bool Partitions(ReadBatch batch)
    {
        if (batch.Status != ReadBatchStatus.Parsed)
        {
            return batch.Reads.Count == 0 && batch.Rejections.Count == 0
                && (batch.Status == ReadBatchStatus.TooManyReads || batch.BodyError is not null);
        }

        var indexes = batch.Reads.Select(r => r.Index).Concat(batch.Rejections.Select(r => r.Index)).Order().ToArray();
        return indexes.Length > 0 && indexes.SequenceEqual(Enumerable.Range(0, indexes.Length));
    }
}
