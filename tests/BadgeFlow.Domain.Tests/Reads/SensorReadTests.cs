using BadgeFlow.Domain.Privacy;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Tests.Reads;

public sealed class SensorReadTests
{
    private static readonly BadgePseudonymizer Pseudonymizer =
        BadgePseudonymizer.FromBase64Key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

    [Fact]
    public void ToString_Read_HidesBadgeId()
    {
        var read = new SensorRead("s1", "SECRET-BADGE", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), -61, null);

        Assert.DoesNotContain("SECRET-BADGE", read.ToString(), StringComparison.Ordinal);
        Assert.Contains("s1", read.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pseudonymize_ReadWithoutReadId_HashesBadgeDerivesIdAndUsesUtc()
    {
        var read = new SensorRead("venetian-l2-expo-a-s03", "BADGE-000123", new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.FromHours(-8)), -61, null);
        var receivedAt = new DateTimeOffset(2026, 11, 25, 2, 0, 3, TimeSpan.FromHours(-8));

        var pseudonymized = read.Pseudonymize(Pseudonymizer, receivedAt);

        // Values computed with Python (see BadgePseudonymizerTests and ReadIdentityTests).
        Assert.Equal(
            new PseudonymizedRead(
                "5d080cb0994af7a824608aa2df3930a5",
                "venetian-l2-expo-a-s03",
                "yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDHM",
                new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
                -61,
                new DateTimeOffset(2026, 11, 25, 10, 0, 3, TimeSpan.Zero)),
            pseudonymized);
        Assert.Equal(TimeSpan.Zero, pseudonymized.ReadAt.Offset);
    }

    [Fact]
    public void Pseudonymize_ReadWithReadId_KeepsSensorsReadId()
    {
        var read = new SensorRead("s1", "B1", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), null, "sensor-chosen-7");

        Assert.Equal("sensor-chosen-7", read.Pseudonymize(Pseudonymizer, DateTimeOffset.UnixEpoch).ReadId);
    }
}
