using System.Globalization;
using System.Text;
using System.Text.Json;
using BadgeFlow.Aws.Sns;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>Checks a Publish against the rules SNS documents for it (botocore sns model, Publish member docs): with
/// MessageStructure=json the message is a JSON object with a string "default", every value a string, no duplicate keys;
/// the subject is under 100 characters with no line breaks or control characters; attribute names, types and values
/// are non-empty, types are String, String.Array, Number or Binary, and Number values are numbers; message plus
/// attributes are at most 262,144 UTF-8 bytes.</summary>
internal static class SnsMessageShape
{
    public const int MaxPublishBytes = 262_144;

    public static Dictionary<string, string> AssertValid(PublishRequest publish)
    {
        Assert.Equal("json", publish.MessageStructure);
        var protocols = ParseStructure(publish.Message);
        Assert.True(protocols.ContainsKey("default"), "MessageStructure=json needs a \"default\" key.");

        Assert.NotNull(publish.Subject);
        Assert.InRange(publish.Subject.Length, 1, 99);
        Assert.DoesNotContain(publish.Subject, char.IsControl);

        foreach (var (name, value) in publish.MessageAttributes)
        {
            Assert.False(string.IsNullOrEmpty(name));
            Assert.Contains(value.DataType, new[] { "String", "String.Array", "Number", "Binary" });
            Assert.False(string.IsNullOrEmpty(value.StringValue), $"attribute {name} has an empty value");
            if (value.DataType == "Number")
            {
                Assert.True(decimal.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out _), $"{name} is not a number");
            }
        }

        Assert.InRange(PublishBytes(publish), 1, MaxPublishBytes);
        return protocols;
    }

    public static int PublishBytes(PublishRequest publish) =>
        Encoding.UTF8.GetByteCount(publish.Message)
        + publish.MessageAttributes.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value.DataType) + Encoding.UTF8.GetByteCount(a.Value.StringValue));

    /// <summary>Reads the structure token by token, so a duplicate key (which JsonDocument would accept) is caught.</summary>
    private static Dictionary<string, string> ParseStructure(string message)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(message));
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.StartObject, reader.TokenType);
        var protocols = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            Assert.Equal(JsonTokenType.PropertyName, reader.TokenType);
            var key = reader.GetString()!;
            Assert.True(reader.Read());
            Assert.True(reader.TokenType == JsonTokenType.String, $"the value of \"{key}\" must be a string");
            Assert.True(protocols.TryAdd(key, reader.GetString()!), $"duplicate key \"{key}\"");
        }

        Assert.False(reader.Read(), "nothing may follow the JSON object");
        return protocols;
    }
}
