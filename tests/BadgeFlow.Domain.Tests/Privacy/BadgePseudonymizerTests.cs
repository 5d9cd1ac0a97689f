using System.Text;
using BadgeFlow.Domain.Privacy;

namespace BadgeFlow.Domain.Tests.Privacy;

public sealed class BadgePseudonymizerTests
{
    // Key bytes 0x00..0x1F. Expected hashes computed independently with Python:
    // base64.urlsafe_b64encode(hmac.new(key, badge.encode(), hashlib.sha256).digest()).rstrip(b'=')
    private const string KeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    [Theory]
    [InlineData("BADGE-000123", "yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDHM")]
    [InlineData("Zoë Müller #7", "RB77OjmuGgKst42QKfpzPkcbuS2W-UfJcR4evXIeeas")]
    public void Pseudonymize_KnownKeyAndBadge_MatchesPythonHmac(string badgeId, string expected)
    {
        var pseudonymizer = BadgePseudonymizer.FromBase64Key(KeyBase64);

        Assert.Equal(expected, pseudonymizer.Pseudonymize(badgeId));
    }

    [Fact]
    public void PseudonymizeUtf8_SameBadgeAsString_WritesSameHash()
    {
        var pseudonymizer = BadgePseudonymizer.FromBase64Key(KeyBase64);
        var destination = new byte[BadgePseudonymizer.HashLength];

        pseudonymizer.PseudonymizeUtf8("BADGE-000123"u8, destination);

        Assert.Equal("yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDHM", Encoding.ASCII.GetString(destination));
    }

    [Fact]
    public void Pseudonymize_ManyThreadsAtOnce_EveryHashMatchesPythonHmac()
    {
        using var pseudonymizer = BadgePseudonymizer.FromBase64Key(KeyBase64);
        var hashes = new string[2000];

        Parallel.For(0, hashes.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => hashes[i] = pseudonymizer.Pseudonymize(i % 2 == 0 ? "BADGE-000123" : "Zoë Müller #7"));

        Assert.All(hashes, (hash, i) => Assert.Equal(
            i % 2 == 0 ? "yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDHM" : "RB77OjmuGgKst42QKfpzPkcbuS2W-UfJcR4evXIeeas", hash));
    }

    [Fact]
    public void Constructor_KeyShorterThan32Bytes_ThrowsWithoutKeyInMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => BadgePseudonymizer.FromBase64Key("c2hvcnQta2V5"));

        Assert.Contains("at least 32 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQta2V5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBase64Key_NotBase64_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => BadgePseudonymizer.FromBase64Key("not base64 !!"));

        Assert.Contains("not valid base64", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDHM", true)]
    [InlineData("yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDH", false)]
    [InlineData("BADGE-000123", false)]
    [InlineData("yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKv+HM", false)]
    public void IsBadgeHash_Value_TellsBadgeHashShape(string value, bool expected)
    {
        Assert.Equal(expected, BadgePseudonymizer.IsBadgeHash(Encoding.ASCII.GetBytes(value)));
    }
}
