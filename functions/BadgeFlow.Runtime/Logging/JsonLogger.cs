using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BadgeFlow.Runtime;

/// <summary>
/// Structured logger writing one JSON object per line (what CloudWatch Logs and Lambda's JSON log format expect):
/// <c>timestamp</c>, <c>level</c>, <c>requestId</c> (when bound to an invocation), <c>message</c> (the rendered
/// template), <c>messageTemplate</c>, one field per template property, and <c>exception</c> (type, message, stack).
/// </summary>
/// <remarks>
/// Lines hold only what the caller passed: never log a payload or a badge ID. Values are written by a switch over
/// primitive types (no reflection), so the logger is trimming- and AOT-safe. Thread-safe: lines never interleave.
/// </remarks>
public sealed class JsonLogger
{
    private const int MaxExceptionDepth = 4;

    private static readonly string[] ReservedNames = ["timestamp", "level", "requestId", "message", "messageTemplate", "exception"];

    private readonly LogSink _sink;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a logger writing to <paramref name="output"/> (stdout in Lambda).</summary>
    /// <param name="output">Receives one line per event.</param>
    /// <param name="minimumLevel">Events below this level are dropped (see <see cref="TryParseLevel"/> for <c>LOG_LEVEL</c>).</param>
    /// <param name="timeProvider">Source of the <c>timestamp</c> field; <see cref="TimeProvider.System"/> when omitted.</param>
    public JsonLogger(TextWriter output, LogLevel minimumLevel = LogLevel.Information, TimeProvider? timeProvider = null)
        : this(new LogSink(output ?? throw new ArgumentNullException(nameof(output))), minimumLevel, timeProvider ?? TimeProvider.System, null)
    {
    }

    private JsonLogger(LogSink sink, LogLevel minimumLevel, TimeProvider timeProvider, string? requestId)
    {
        _sink = sink;
        MinimumLevel = minimumLevel;
        _timeProvider = timeProvider;
        RequestId = requestId;
    }

    /// <summary>The lowest level written.</summary>
    public LogLevel MinimumLevel { get; }

    /// <summary>The request id stamped on every line, or <see langword="null"/> outside an invocation.</summary>
    public string? RequestId { get; }

    /// <summary>A logger sharing this one's output and level that stamps every line with <paramref name="requestId"/>.</summary>
    public JsonLogger ForRequest(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return new JsonLogger(_sink, MinimumLevel, _timeProvider, requestId);
    }

    /// <summary>Whether an event at <paramref name="level"/> would be written.</summary>
    public bool IsEnabled(LogLevel level) => level >= MinimumLevel;

    /// <summary>Reads a <c>LOG_LEVEL</c> value: Debug, Information, Warning, Error (any case), and Lambda's own
    /// spellings TRACE, DEBUG, INFO, WARN, ERROR, FATAL.</summary>
    public static bool TryParseLevel(string? value, out LogLevel level)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case "TRACE" or "DEBUG":
                level = LogLevel.Debug;
                return true;
            case "INFO" or "INFORMATION":
                level = LogLevel.Information;
                return true;
            case "WARN" or "WARNING":
                level = LogLevel.Warning;
                return true;
            case "ERROR" or "FATAL" or "CRITICAL":
                level = LogLevel.Error;
                return true;
            default:
                level = LogLevel.Information;
                return false;
        }
    }

    /// <summary>Writes a Debug event.</summary>
    public void Debug(string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Debug, null, messageTemplate, args);

    /// <summary>Writes a Debug event with an exception.</summary>
    public void Debug(Exception? exception, string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Debug, exception, messageTemplate, args);

    /// <summary>Writes an Information event, e.g. <c>Information("Transformed {RecordCount} records", n)</c>.</summary>
    public void Information(string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Information, null, messageTemplate, args);

    /// <summary>Writes an Information event with an exception.</summary>
    public void Information(Exception? exception, string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Information, exception, messageTemplate, args);

    /// <summary>Writes a Warning event.</summary>
    public void Warning(string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Warning, null, messageTemplate, args);

    /// <summary>Writes a Warning event with an exception.</summary>
    public void Warning(Exception? exception, string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Warning, exception, messageTemplate, args);

    /// <summary>Writes an Error event.</summary>
    public void Error(string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Error, null, messageTemplate, args);

    /// <summary>Writes an Error event with an exception.</summary>
    public void Error(Exception? exception, string messageTemplate, params ReadOnlySpan<object?> args) => Log(LogLevel.Error, exception, messageTemplate, args);

    /// <summary>Writes an event: <paramref name="args"/> fill the template's holes in order and become fields named
    /// after them. Missing arguments leave the hole as written; extra arguments are ignored.</summary>
    public void Log(LogLevel level, Exception? exception, string messageTemplate, params ReadOnlySpan<object?> args)
    {
        ArgumentNullException.ThrowIfNull(messageTemplate);
        if (!IsEnabled(level))
        {
            return;
        }

        var template = MessageTemplate.Parse(messageTemplate);
        var timestamp = _timeProvider.GetUtcNow();
        lock (_sink.Gate)
        {
            _sink.Write(this, level, timestamp, template, args, exception);
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        _ => level.ToString(),
    };

    /// <summary>Output and reusable buffers shared by a logger and the request-bound loggers made from it.</summary>
    private sealed class LogSink(TextWriter output)
    {
        private static readonly JsonWriterOptions WriterOptions = new()
        {
            // Log lines are read by people and CloudWatch, never embedded in HTML: keep '+', '<', non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Indented = false,
        };

        private readonly TextWriter _output = output;
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly StringBuilder _message = new(256);
        private readonly List<string> _written = new(8);
        private Utf8JsonWriter? _writer;

        public Lock Gate { get; } = new();

        public void Write(JsonLogger logger, LogLevel level, DateTimeOffset timestamp, MessageTemplate template, ReadOnlySpan<object?> args, Exception? exception)
        {
            _buffer.ResetWrittenCount();
            _message.Clear();
            _written.Clear();
            var writer = _writer ??= new Utf8JsonWriter(_buffer, WriterOptions);
            writer.Reset(_buffer);

            RenderMessage(template, args);

            writer.WriteStartObject();
            writer.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("level", LevelName(level));
            if (logger.RequestId is not null)
            {
                writer.WriteString("requestId", logger.RequestId);
            }

            writer.WriteString("message", _message.ToString());
            writer.WriteString("messageTemplate", template.Text);
            foreach (var segment in template.Segments)
            {
                if (!segment.IsHole || segment.Index >= args.Length)
                {
                    continue;
                }

                var name = FieldName(segment.Name!);
                if (_written.Contains(name))
                {
                    continue;
                }

                _written.Add(name);
                writer.WritePropertyName(name);
                WriteValue(writer, args[segment.Index]);
            }

            if (exception is not null)
            {
                writer.WritePropertyName("exception");
                WriteException(writer, exception, 0);
            }

            writer.WriteEndObject();
            writer.Flush();

            WriteLine(_buffer.WrittenSpan);
        }

        private void WriteLine(ReadOnlySpan<byte> utf8)
        {
            var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length) + 1);
            try
            {
                var count = Encoding.UTF8.GetChars(utf8, chars);
                chars[count++] = '\n';

                // One Write per line so concurrent writers to the same stream (the runtime, the OS) cannot split it.
                _output.Write(chars, 0, count);
                _output.Flush();
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }

        private static string FieldName(string name) =>
            Array.IndexOf(ReservedNames, name) >= 0 ? "_" + name : name;

        private void RenderMessage(MessageTemplate template, ReadOnlySpan<object?> args)
        {
            foreach (var segment in template.Segments)
            {
                if (!segment.IsHole || segment.Index >= args.Length)
                {
                    _message.Append(segment.Text);
                    continue;
                }

                AppendRendered(_message, args[segment.Index], segment.Format);
            }
        }

        private static void AppendRendered(StringBuilder builder, object? value, string? format)
        {
            switch (value)
            {
                case null:
                    builder.Append("null");
                    break;
                case string s:
                    builder.Append(s);
                    break;
                case bool b:
                    builder.Append(b ? "true" : "false");
                    break;
                case DateTimeOffset dto:
                    builder.Append(dto.ToString(format ?? "O", CultureInfo.InvariantCulture));
                    break;
                case DateTime dt:
                    builder.Append(dt.ToString(format ?? "O", CultureInfo.InvariantCulture));
                    break;
                case Exception e:
                    builder.Append(e.GetType().Name).Append(": ").Append(e.Message);
                    break;
                case IFormattable formattable:
                    builder.Append(formattable.ToString(format, CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(value.ToString());
                    break;
            }
        }

        private static void WriteValue(Utf8JsonWriter writer, object? value)
        {
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string s:
                    writer.WriteStringValue(s);
                    break;
                case bool b:
                    writer.WriteBooleanValue(b);
                    break;
                case int i:
                    writer.WriteNumberValue(i);
                    break;
                case long l:
                    writer.WriteNumberValue(l);
                    break;
                case short sh:
                    writer.WriteNumberValue(sh);
                    break;
                case byte by:
                    writer.WriteNumberValue(by);
                    break;
                case sbyte sb:
                    writer.WriteNumberValue(sb);
                    break;
                case ushort us:
                    writer.WriteNumberValue(us);
                    break;
                case uint ui:
                    writer.WriteNumberValue(ui);
                    break;
                case ulong ul:
                    writer.WriteNumberValue(ul);
                    break;
                case double d when double.IsFinite(d):
                    writer.WriteNumberValue(d);
                    break;
                case float f when float.IsFinite(f):
                    writer.WriteNumberValue(f);
                    break;
                case decimal m:
                    writer.WriteNumberValue(m);
                    break;
                case DateTimeOffset dto:
                    writer.WriteStringValue(dto);
                    break;
                case DateTime dt:
                    writer.WriteStringValue(dt);
                    break;
                case Guid g:
                    writer.WriteStringValue(g);
                    break;
                case TimeSpan ts:
                    writer.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture));
                    break;
                case Exception e:
                    WriteException(writer, e, 0);
                    break;
                case IFormattable formattable:
                    // Enums, non-finite doubles, Version, …: their invariant text.
                    writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                    break;
                default:
                    writer.WriteStringValue(value.ToString());
                    break;
            }
        }

        private static void WriteException(Utf8JsonWriter writer, Exception exception, int depth)
        {
            writer.WriteStartObject();
            writer.WriteString("type", exception.GetType().FullName ?? exception.GetType().Name);
            writer.WriteString("message", exception.Message);
            if (exception.StackTrace is { } stack)
            {
                writer.WriteString("stackTrace", stack);
            }

            if (exception.InnerException is { } inner && depth < MaxExceptionDepth)
            {
                writer.WritePropertyName("innerException");
                WriteException(writer, inner, depth + 1);
            }

            writer.WriteEndObject();
        }
    }
}
