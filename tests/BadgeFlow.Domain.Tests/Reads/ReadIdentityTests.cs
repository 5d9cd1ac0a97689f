using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Tests.Reads;

public sealed class ReadIdentityTests
{
    private const string BadgeHash = "yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDHM";

    [Fact]
    public void Derive_KnownRead_MatchesPythonSha256()
    {
        // hashlib.sha256(b"venetian-l2-expo-a-s03\n" + hash + b"\n2026-11-25T10:00:00.0000000Z").hexdigest()[:32]
        var id = ReadIdentity.Derive("venetian-l2-expo-a-s03", BadgeHash, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

        Assert.Equal("5d080cb0994af7a824608aa2df3930a5", id);
    }

    [Fact]
    public void Derive_SameInstantDifferentOffset_GivesSameId()
    {
        var utc = ReadIdentity.Derive("s1", BadgeHash, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var pacific = ReadIdentity.Derive("s1", BadgeHash, new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.FromHours(-8)));

        Assert.Equal(utc, pacific);
    }

    [Fact]
    public void Derive_AnyRead_IsAValidReadId()
    {
        var id = ReadIdentity.Derive("s1", BadgeHash, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

        Assert.True(ReadFieldRules.IsValidReadId(System.Text.Encoding.ASCII.GetBytes(id)));
        Assert.Equal(ReadIdentity.DerivedLength, id.Length);
    }
}
