using System.Text.Json;

namespace BadgeFlow.Local.Lambda;

/// <summary>Error bodies in the shape the Runtime API and Lambda's Invoke use.</summary>
internal static class LambdaErrors
{
    public static string Body(string errorType, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", message);
            writer.WriteString("errorType", errorType);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
