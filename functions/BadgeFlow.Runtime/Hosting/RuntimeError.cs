using System.Text.Encodings.Web;
using System.Text.Json;

namespace BadgeFlow.Runtime;

/// <summary>
/// An error reported to the Runtime API: the JSON body <c>{"errorMessage", "errorType", "stackTrace"}</c> and the
/// <c>Lambda-Runtime-Function-Error-Type</c> header value.
/// </summary>
/// <param name="ErrorType">The body's <c>errorType</c>: the exception's type name, or what the runtime detected.</param>
/// <param name="ErrorMessage">The body's <c>errorMessage</c>.</param>
/// <param name="StackTrace">The body's <c>stackTrace</c>, one frame per entry.</param>
/// <param name="FunctionErrorType">The header value, <c>Unhandled</c> or a <c>Category.Reason</c> such as
/// <c>Runtime.InvalidEvent</c> (the format AWS recommends).</param>
public sealed record RuntimeError(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace, string FunctionErrorType)
{
    /// <summary>Header value for an exception thrown by the handler or the initializer (as in AWS's examples).</summary>
    public const string Unhandled = "Unhandled";

    /// <summary>Header value and error type when the event cannot be read as the handler's request type.</summary>
    public const string InvalidEvent = "Runtime.InvalidEvent";

    /// <summary>Header value and error type when the handler's response cannot be serialized.</summary>
    public const string SerializationError = "Runtime.SerializationError";

    /// <summary>Header value when initialization failed on missing or malformed settings.</summary>
    public const string ConfigInvalid = "Runtime.ConfigInvalid";

    /// <summary>Describes an exception: its type name, message and stack frames.</summary>
    public static RuntimeError FromException(Exception exception, string functionErrorType = Unhandled)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new RuntimeError(exception.GetType().Name, exception.Message, StackFrames(exception), functionErrorType);
    }

    /// <summary>Writes the body AWS documents for <c>/error</c> and <c>/init/error</c>.</summary>
    public byte[] ToJsonBody()
    {
        using var stream = new MemoryStream();
        // Relaxed escaping keeps stack frames readable in the console (no \u003C for '<'); the body is never HTML.
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", ErrorMessage);
            writer.WriteString("errorType", ErrorType);
            writer.WriteStartArray("stackTrace");
            foreach (var frame in StackTrace)
            {
                writer.WriteStringValue(frame);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static string[] StackFrames(Exception exception)
    {
        var frames = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (!ReferenceEquals(current, exception))
            {
                frames.Add($"--- caused by {current.GetType().Name}: {current.Message}");
            }

            if (current.StackTrace is { } stack)
            {
                foreach (var line in stack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    frames.Add(line);
                }
            }
        }

        return [.. frames];
    }
}
