using System.Text;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Tests.Reads;

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-11-25T10:00:00Z", 2026, 11, 25, 10, 0, 0, 0, 0)]
    [InlineData("2026-11-25t10:00:00z", 2026, 11, 25, 10, 0, 0, 0, 0)]
    [InlineData("2026-11-25T02:00:00-08:00", 2026, 11, 25, 2, 0, 0, 0, -480)]
    [InlineData("2026-11-25T10:00:00.5+05:30", 2026, 11, 25, 10, 0, 0, 5_000_000, 330)]
    [InlineData("2024-02-29T23:59:59.123456789Z", 2024, 2, 29, 23, 59, 59, 1_234_567, 0)]
    public void TryParse_ValidDateTime_GivesInstantAndOffset(
        string text, int year, int month, int day, int hour, int minute, int second, long fractionTicks, int offsetMinutes)
    {
        Assert.True(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out var value));

        var expected = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes))
            .AddTicks(fractionTicks);
        Assert.Equal(expected, value);
        Assert.Equal(expected.Offset, value.Offset);
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00")]         // no offset
    [InlineData("2026-11-25 10:00:00Z")]        // space instead of T
    [InlineData("2026-11-25T10:00Z")]           // no seconds
    [InlineData("2026-02-30T10:00:00Z")]        // no such day
    [InlineData("2025-02-29T10:00:00Z")]        // not a leap year
    [InlineData("2026-11-25T24:00:00Z")]
    [InlineData("2026-11-25T10:00:60Z")]        // leap second
    [InlineData("2026-11-25T10:00:00.Z")]       // empty fraction
    [InlineData("2026-11-25T10:00:00+0100")]    // offset without colon
    [InlineData("2026-11-25T10:00:00+15:00")]   // beyond ±14:00
    [InlineData("2026-11-25T10:00:00Zjunk")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]   // before DateTime.MinValue in UTC
    [InlineData("1764064800")]
    [InlineData("")]
    public void TryParse_NotRfc3339WithOffset_ReturnsFalse(string text)
    {
        Assert.False(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void FormatUtc_OffsetTime_WritesUtcWithSevenFractionDigits()
    {
        var value = new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.FromHours(-8)).AddTicks(1_234_567);
        var destination = new byte[Rfc3339.UtcFormatLength];

        Rfc3339.FormatUtc(value, destination);

        Assert.Equal("2026-11-25T10:00:00.1234567Z", Encoding.ASCII.GetString(destination));
    }
}
