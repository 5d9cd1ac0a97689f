using System.Buffers;
using System.Globalization;
using System.Text;

namespace BadgeFlow.Domain.Reads;

/// <summary>The syntax rules of DESIGN.md for the fields of a read, checked on UTF-8 bytes so the hot paths (Producer
/// parsing, Transform CSV lines) validate before they allocate anything.</summary>
public static class ReadFieldRules
{
    public const int MaxSensorIdLength = 64;
    public const int MaxReadIdLength = 64;
    public const int MaxBadgeIdLength = 128;

    /// <summary>A badge ID is at most 128 characters of at most 4 UTF-8 bytes each.</summary>
    public const int MaxBadgeIdUtf8Bytes = MaxBadgeIdLength * 4;

    public const short MinRssi = -127;
    public const short MaxRssi = 0;

    /// <summary><c>A-Za-z0-9._:-</c>: the alphabet of sensor IDs and read IDs, safe in a URL, a CSV field and a JSON
    /// string without escaping.</summary>
    public static readonly SearchValues<byte> IdentifierAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"u8);

    internal const string SensorIdInvalid = "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";
    internal const string ReadIdInvalid = "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";
    internal const string BadgeIdEmpty = "must not be empty";
    internal const string BadgeIdTooLong = "must be at most 128 characters";
    internal const string BadgeIdNotPrintable = "must contain only printable characters";
    internal const string BadgeIdPadded = "must not start or end with whitespace";
    internal const string BadgeIdNotUtf8 = "must be valid UTF-8";
    internal const string ReadAtInvalid = "must be an RFC 3339 date-time with a UTC offset, e.g. 2026-11-25T10:00:00Z";
    internal const string RssiInvalid = "must be an integer from -127 to 0";

    /// <summary>True when <paramref name="utf8"/> is a valid sensor ID.</summary>
    public static bool IsValidSensorId(ReadOnlySpan<byte> utf8) =>
        utf8.Length is > 0 and <= MaxSensorIdLength && !utf8.ContainsAnyExcept(IdentifierAlphabet);

    /// <summary>True when <paramref name="value"/> is a valid sensor ID.</summary>
    public static bool IsValidSensorId(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > MaxSensorIdLength)
        {
            return false;
        }

        Span<byte> ascii = stackalloc byte[MaxSensorIdLength];
        return Ascii.FromUtf16(value, ascii, out var written) == OperationStatus.Done
            && !ascii[..written].ContainsAnyExcept(IdentifierAlphabet);
    }

    /// <summary>True when <paramref name="utf8"/> is a valid sensor-chosen read ID.</summary>
    public static bool IsValidReadId(ReadOnlySpan<byte> utf8) =>
        utf8.Length is > 0 and <= MaxReadIdLength && !utf8.ContainsAnyExcept(IdentifierAlphabet);

    /// <summary>Checks a badge ID: 1–128 printable characters (no control, format or separator characters other than
    /// the space), not padded with whitespace. Returns null when valid, otherwise the reason.</summary>
    public static string? CheckBadgeId(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return BadgeIdEmpty;
        }

        if (utf8.Length > MaxBadgeIdUtf8Bytes)
        {
            return BadgeIdTooLong;
        }

        // Fast path: printable ASCII, which is what badge systems print.
        if (!utf8.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            if (utf8.Length > MaxBadgeIdLength)
            {
                return BadgeIdTooLong;
            }

            return utf8[0] == (byte)' ' || utf8[^1] == (byte)' ' ? BadgeIdPadded : null;
        }

        var count = 0;
        var first = true;
        var last = default(Rune);
        var rest = utf8;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                return BadgeIdNotUtf8;
            }

            if (!IsPrintable(rune))
            {
                return BadgeIdNotPrintable;
            }

            if (first && Rune.IsWhiteSpace(rune))
            {
                return BadgeIdPadded;
            }

            first = false;
            last = rune;
            count++;
            rest = rest[consumed..];
        }

        if (count > MaxBadgeIdLength)
        {
            return BadgeIdTooLong;
        }

        return Rune.IsWhiteSpace(last) ? BadgeIdPadded : null;
    }

    /// <summary>Checks an RSSI value in dBm.</summary>
    public static bool IsValidRssi(long value) => value is >= MinRssi and <= MaxRssi;

    private static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
