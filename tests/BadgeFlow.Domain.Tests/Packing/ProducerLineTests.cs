using System.Buffers.Text;
using System.Text;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Reads;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace BadgeFlow.Domain.Tests.Packing;

/// <summary>The Producer's wire line (ARCHITECTURE.md "Wire records"): the format pinned by hand-written lines, and
/// writer and reader agreeing on every valid read.</summary>
public sealed class ProducerLineTests
{
    private const string Hash = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";

    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";

    // Seeded: the same cases on every run, so a failure reproduces.
    private static readonly Config Seeded = Config.QuickThrowOnFailure
        .WithMaxTest(500)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20261125UL, 1703UL), FSharpOption<int>.None)));

    [Fact]
    public void ToBytes_ReadWithRssi_IsTheWireLine()
    {
        var read = new PseudonymizedRead("r-1", "gate-a", Hash, new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.FromHours(1)), -61,
            new DateTimeOffset(2026, 11, 25, 10, 0, 1, 500, TimeSpan.Zero));

        var line = Encoding.UTF8.GetString(ProducerLine.ToBytes(read));

        Assert.Equal(
            "{\"readId\":\"r-1\",\"sensorId\":\"gate-a\",\"badgeHash\":\"" + Hash + "\",\"readAt\":\"2026-11-25T10:00:00Z\",\"rssi\":-61,\"receivedAt\":\"2026-11-25T10:00:01.5Z\"}\n",
            line);
    }

    [Fact]
    public void ToBytes_NoRssi_OmitsTheMember()
    {
        var at = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var line = Encoding.UTF8.GetString(ProducerLine.ToBytes(new PseudonymizedRead("r-2", "s:1", Hash, at, null, at)));
        Assert.Equal("{\"readId\":\"r-2\",\"sensorId\":\"s:1\",\"badgeHash\":\"" + Hash + "\",\"readAt\":\"2026-11-25T10:00:00Z\",\"receivedAt\":\"2026-11-25T10:00:00Z\"}\n", line);
    }

    [Fact]
    public void TryRead_HandWrittenLineInAnotherOrderWithEscapesAndAnOffset_ReadsEveryMember()
    {
        // Member order, escapes, an offset and an unknown member are all the reader's to cope with.
        var line = "{\"receivedAt\":\"2026-11-25T10:00:01.25Z\",\"rssi\":-7,\"sensorId\":\"gate\\u002Da\",\"extra\":[1,{\"x\":null}],"
                   + "\"badgeHash\":\"" + Hash + "\",\"readAt\":\"2026-11-25T11:00:00+01:00\",\"readId\":\"r\\u002E1\"}";

        var error = ProducerLine.TryRead(Encoding.UTF8.GetBytes(line), new byte[ProducerLine.ScratchBytes], out var fields);

        Assert.Null(error);
        Assert.Equal(
            new PseudonymizedRead("r.1", "gate-a", Hash, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), -7,
                new DateTimeOffset(2026, 11, 25, 10, 0, 1, 250, TimeSpan.Zero)),
            fields.ToRead());
    }

    [Theory]
    [InlineData("[1]", "line", "is not a JSON object")]
    [InlineData("{\"readId\":\"r\",\"sensorId\":\"s\",\"badgeHash\":\"BADGE-000123\",\"readAt\":\"2026-11-25T10:00:00Z\",\"receivedAt\":\"2026-11-25T10:00:00Z\"}", "badgeHash", "must be a badge hash (43 base64url characters)")]
    [InlineData("{\"readId\":\"r\",\"readId\":\"q\"}", "readId", "appears more than once")]
    [InlineData("{\"readId\":\"r\",\"sensorId\":\"s\",\"readAt\":\"2026-11-25T10:00:00Z\",\"receivedAt\":\"2026-11-25T10:00:00Z\"}", "badgeHash", "is required")]
    [InlineData("{\"rssi\":1}", "rssi", "must be an integer from -127 to 0")]
    [InlineData("{\"readAt\":\"2026-11-25 10:00:00\"}", "readAt", "must be an RFC 3339 date-time with offset")]
    [InlineData("{\"readId\":\"r\"} {}", "line", "is neither a JSON object nor a CSV read")]
    public void TryRead_InvalidLine_NamesTheMemberAndTheReason(string line, string field, string reason)
    {
        var error = ProducerLine.TryRead(Encoding.UTF8.GetBytes(line), new byte[ProducerLine.ScratchBytes], out _);

        Assert.Equal(new ReadFieldError(field, reason), error);
    }

    [Fact]
    public void WriteThenTryRead_ArbitraryValidReads_GiveTheReadBack()
    {
        Check.One(Seeded, Prop.ForAll(ValidReads().ToArbitrary(), read =>
        {
            var bytes = ProducerLine.ToBytes(read);
            var error = ProducerLine.TryRead(bytes.AsSpan(0, bytes.Length - 1), new byte[ProducerLine.ScratchBytes], out var fields);
            return bytes[^1] == (byte)'\n' && error is null && fields.ToRead() == read
                   && fields.ReadAt.Offset == TimeSpan.Zero && fields.ReceivedAt.Offset == TimeSpan.Zero;
        }));
    }

    /// <summary>Reads as the Producer makes them: IDs of the identifier alphabet, a 32-byte hash in base64url, UTC times
    /// to the tick (so fractions of every length occur), rssi absent or in range.</summary>
    private static Gen<PseudonymizedRead> ValidReads()
    {
        var id = Gen.Choose(1, 64).SelectMany(n => Gen.ArrayOf(Gen.Elements(IdAlphabet.ToCharArray()), n)).Select(c => new string(c));
        var hash = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 32).Select(b => Base64Url.EncodeToString(b));
        var ticks = Gen.Choose(0, int.MaxValue).SelectMany(high => Gen.Choose(0, int.MaxValue).Select(low => ((long)high << 31) | (uint)low));
        var min = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks;
        var max = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks;
        var time = ticks.Select(t => new DateTimeOffset(min + (t % (max - min)), TimeSpan.Zero));
        var wholeSecond = time.Select(t => new DateTimeOffset(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
        var at = Gen.Frequency((3, time), (1, wholeSecond));
        var rssi = Gen.Frequency((1, Gen.Constant<short?>(null)), (4, Gen.Choose(-127, 0).Select(v => (short?)v)));
        return from readId in id
               from sensorId in id
               from badgeHash in hash
               from readAt in at
               from strength in rssi
               from receivedAt in at
               select new PseudonymizedRead(readId, sensorId, badgeHash, readAt, strength, receivedAt);
    }
}
