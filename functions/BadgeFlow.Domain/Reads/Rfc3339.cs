namespace BadgeFlow.Domain.Reads;

/// <summary>RFC 3339 <c>date-time</c> on UTF-8 bytes: <c>YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)</c>. The offset is
/// required (a local time without one is ambiguous on a campus that spans a time zone boundary, and Lambda runs in
/// UTC). Written by hand because <c>DateTimeOffset.TryParse</c> accepts far more than RFC 3339 and allocates.</summary>
public static class Rfc3339
{
    /// <summary>Longer values are refused before any work: 35 bytes of fixed parts plus a generous fraction.</summary>
    public const int MaxLength = 64;

    /// <summary>The UTC form this code writes: <c>2026-11-25T10:00:00.0000000Z</c> is 28 bytes.</summary>
    public const int UtcFormatLength = 28;

    /// <summary>Parses an RFC 3339 date-time with its offset. Fractions beyond 100 ns are truncated; leap seconds
    /// (<c>:60</c>) are refused because <see cref="DateTimeOffset"/> cannot hold them.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTimeOffset value)
    {
        value = default;
        if (utf8.Length is < 20 or > MaxLength)
        {
            return false;
        }

        if (!TwoDigits(utf8, 0, out var c) || !TwoDigits(utf8, 2, out var y) || utf8[4] != '-'
            || !TwoDigits(utf8, 5, out var month) || utf8[7] != '-' || !TwoDigits(utf8, 8, out var day)
            || (utf8[10] | 0x20) != 't'
            || !TwoDigits(utf8, 11, out var hour) || utf8[13] != ':' || !TwoDigits(utf8, 14, out var minute)
            || utf8[16] != ':' || !TwoDigits(utf8, 17, out var second))
        {
            return false;
        }

        var year = (c * 100) + y;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var position = 19;
        long fractionTicks = 0;
        if (utf8[position] == '.')
        {
            position++;
            var digits = 0;
            var scale = TimeSpan.TicksPerSecond;
            while (position < utf8.Length && IsDigit(utf8[position]))
            {
                if (digits < 7)
                {
                    scale /= 10;
                    fractionTicks += (utf8[position] - '0') * scale;
                }

                digits++;
                position++;
            }

            if (digits == 0)
            {
                return false;
            }
        }

        if (position >= utf8.Length)
        {
            return false;
        }

        long offsetMinutes;
        var designator = utf8[position];
        if ((designator | 0x20) == 'z')
        {
            if (position + 1 != utf8.Length)
            {
                return false;
            }

            offsetMinutes = 0;
        }
        else if (designator is (byte)'+' or (byte)'-')
        {
            if (position + 6 != utf8.Length || !TwoDigits(utf8, position + 1, out var offsetHour)
                || utf8[position + 3] != ':' || !TwoDigits(utf8, position + 4, out var offsetMinute)
                || offsetHour > 14 || offsetMinute > 59 || (offsetHour == 14 && offsetMinute != 0))
            {
                return false;
            }

            offsetMinutes = (offsetHour * 60) + offsetMinute;
            if (designator == '-')
            {
                offsetMinutes = -offsetMinutes;
            }
        }
        else
        {
            return false;
        }

        var localTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks
            + fractionTicks;
        var offsetTicks = offsetMinutes * TimeSpan.TicksPerMinute;
        var utcTicks = localTicks - offsetTicks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(localTicks, TimeSpan.FromTicks(offsetTicks));
        return true;
    }

    /// <summary>Writes <paramref name="value"/> in UTC as <c>YYYY-MM-DDTHH:MM:SS.fffffffZ</c> (28 bytes).</summary>
    public static void FormatUtc(DateTimeOffset value, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, UtcFormatLength, nameof(destination));
        var utc = value.UtcDateTime;
        WriteDigits(destination, 0, utc.Year, 4);
        destination[4] = (byte)'-';
        WriteDigits(destination, 5, utc.Month, 2);
        destination[7] = (byte)'-';
        WriteDigits(destination, 8, utc.Day, 2);
        destination[10] = (byte)'T';
        WriteDigits(destination, 11, utc.Hour, 2);
        destination[13] = (byte)':';
        WriteDigits(destination, 14, utc.Minute, 2);
        destination[16] = (byte)':';
        WriteDigits(destination, 17, utc.Second, 2);
        destination[19] = (byte)'.';
        WriteDigits(destination, 20, (int)(utc.Ticks % TimeSpan.TicksPerSecond), 7);
        destination[27] = (byte)'Z';
    }

    private static void WriteDigits(Span<byte> destination, int start, int value, int count)
    {
        for (var i = start + count - 1; i >= start; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool TwoDigits(ReadOnlySpan<byte> utf8, int start, out int value)
    {
        var tens = (uint)(utf8[start] - '0');
        var ones = (uint)(utf8[start + 1] - '0');
        value = (int)((tens * 10) + ones);
        return tens <= 9 && ones <= 9;
    }
}
