using System.Globalization;
using System.Text.Json;

namespace BadgeFlow.Runtime.Tests;

/// <summary>Structural JSON comparison: member order and whitespace do not matter, everything else does.</summary>
internal static class JsonAssert
{
    private static readonly string[] IsoFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>Same members, same values, same array order.</summary>
    public static void Equal(string expectedJson, string actualJson)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        using var actual = JsonDocument.Parse(actualJson);
        Equal(expected.RootElement, actual.RootElement);
    }

    /// <inheritdoc cref="Equal(string, string)"/>
    public static void Equal(JsonElement expected, JsonElement actual)
    {
        var difference = FindDifference(expected, actual, "$", lenient: false);
        Assert.True(difference is null, difference + $"\nexpected: {expected.GetRawText()}\nactual:   {actual.GetRawText()}");
    }

    /// <summary>
    /// Every non-null member of <paramref name="original"/> is in <paramref name="roundTrip"/> with an equal value
    /// (timestamps compared as instants); members only in <paramref name="roundTrip"/> must be null or false.
    /// </summary>
    public static void Preserves(JsonElement original, JsonElement roundTrip)
    {
        var difference = FindDifference(original, roundTrip, "$", lenient: true);
        Assert.True(difference is null, difference);
    }

    private static string? FindDifference(JsonElement expected, JsonElement actual, string path, bool lenient)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind} {Short(expected)}, found {actual.ValueKind} {Short(actual)}";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in expected.EnumerateObject())
                {
                    var found = actual.TryGetProperty(member.Name, out var actualValue);
                    if (lenient && member.Value.ValueKind == JsonValueKind.Null && (!found || actualValue.ValueKind == JsonValueKind.Null))
                    {
                        continue;
                    }

                    if (!found)
                    {
                        return $"{path}.{member.Name}: missing (expected {Short(member.Value)})";
                    }

                    var difference = FindDifference(member.Value, actualValue, $"{path}.{member.Name}", lenient);
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                foreach (var member in actual.EnumerateObject())
                {
                    if (expected.TryGetProperty(member.Name, out _))
                    {
                        continue;
                    }

                    if (lenient && member.Value.ValueKind is JsonValueKind.Null or JsonValueKind.False)
                    {
                        continue;
                    }

                    return $"{path}.{member.Name}: unexpected member {Short(member.Value)}";
                }

                return null;

            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    return $"{path}: expected {expected.GetArrayLength()} items, found {actual.GetArrayLength()}";
                }

                var index = 0;
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    var difference = FindDifference(e, a, $"{path}[{index++}]", lenient);
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;

            case JsonValueKind.String:
                var expectedText = expected.GetString();
                var actualText = actual.GetString();
                if (expectedText == actualText)
                {
                    return null;
                }

                if (lenient && IsSameInstant(expectedText, actualText))
                {
                    return null;
                }

                return $"{path}: expected \"{expectedText}\", found \"{actualText}\"";

            case JsonValueKind.Number:
                return expected.GetDecimal() == actual.GetDecimal() ? null : $"{path}: expected {expected.GetRawText()}, found {actual.GetRawText()}";

            default:
                return null;
        }
    }

    private static bool IsSameInstant(string? a, string? b) =>
        DateTimeOffset.TryParseExact(a, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var x)
        && DateTimeOffset.TryParseExact(b, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var y)
        && x == y;

    private static string Short(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length > 80 ? text[..80] + "…" : text;
    }
}
