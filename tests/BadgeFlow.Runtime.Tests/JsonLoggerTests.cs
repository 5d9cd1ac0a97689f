using System.Text.Json;
using BadgeFlow.Testing.Scripted;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Runtime.Tests;

public sealed class JsonLoggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Information_Template_WritesRenderedMessageTemplateAndPropertiesOnly()
    {
        var (logger, output) = Create();

        logger.Information("Transformed {RecordCount} records, {FailedCount} failed", 498, 2);

        JsonAssert.Equal(
            """
            {
              "timestamp": "2026-11-25T10:00:00.123Z",
              "level": "Information",
              "message": "Transformed 498 records, 2 failed",
              "messageTemplate": "Transformed {RecordCount} records, {FailedCount} failed",
              "RecordCount": 498,
              "FailedCount": 2
            }
            """,
            SingleLine(output));
    }

    [Fact]
    public void ForRequest_AnyEvent_CarriesRequestId()
    {
        var (logger, output) = Create();

        logger.ForRequest("8476a536-e9f4-11e8-9739-2dfe598c3fcd").Warning("Firehose throttled, attempt {Attempt}", 2);

        using var line = JsonDocument.Parse(SingleLine(output));
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", line.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("Warning", line.RootElement.GetProperty("level").GetString());
    }

    [Fact]
    public void Log_BelowMinimumLevel_WritesNothing()
    {
        var (logger, output) = Create(LogLevel.Warning);

        logger.Debug("debug {A}", 1);
        logger.Information("info {A}", 1);
        logger.Warning("warn {A}", 1);

        Assert.Single(Lines(output));
        Assert.False(logger.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Error_WithException_WritesTypeMessageStackAndInner()
    {
        var (logger, output) = Create();
        Exception caught;
        try
        {
            throw new InvalidOperationException("outer", new TimeoutException("inner"));
        }
        catch (InvalidOperationException exception)
        {
            caught = exception;
        }

        logger.Error(caught, "Publishing the report failed");

        using var line = JsonDocument.Parse(SingleLine(output));
        var exceptionJson = line.RootElement.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exceptionJson.GetProperty("type").GetString());
        Assert.Equal("outer", exceptionJson.GetProperty("message").GetString());
        Assert.Contains(nameof(Error_WithException_WritesTypeMessageStackAndInner), exceptionJson.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.Equal("System.TimeoutException", exceptionJson.GetProperty("innerException").GetProperty("type").GetString());
        Assert.Equal("inner", exceptionJson.GetProperty("innerException").GetProperty("message").GetString());
    }

    [Fact]
    public void Information_MissingAndExtraArguments_LeavesHoleAndDropsExtras()
    {
        var (logger, output) = Create();

        logger.Information("Zone {ZoneId} at {Occupancy}", "Z-01");
        logger.Information("No holes here", "BADGE-SHOULD-NOT-APPEAR");

        var lines = Lines(output);
        JsonAssert.Equal(
            """{"timestamp":"2026-11-25T10:00:00.123Z","level":"Information","message":"Zone Z-01 at {Occupancy}","messageTemplate":"Zone {ZoneId} at {Occupancy}","ZoneId":"Z-01"}""",
            lines[0]);
        JsonAssert.Equal(
            """{"timestamp":"2026-11-25T10:00:00.123Z","level":"Information","message":"No holes here","messageTemplate":"No holes here"}""",
            lines[1]);
        Assert.DoesNotContain("BADGE-SHOULD-NOT-APPEAR", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Information_FormatsEscapesAndPrimitiveTypes_WrittenAsJsonTypes()
    {
        var (logger, output) = Create();
        var at = new DateTimeOffset(2026, 11, 25, 10, 15, 0, TimeSpan.Zero);

        logger.Information(
            "{{literal}} {Ratio:0.00} {Flag} {Nothing} {At} {Level} {Big} {NotANumber} {Text}",
            0.8567, true, null, at, LogLevel.Warning, 12345678901L, double.NaN, "a \"quoted\" + <tag>");

        JsonAssert.Equal(
            """
            {
              "timestamp": "2026-11-25T10:00:00.123Z",
              "level": "Information",
              "message": "{literal} 0.86 true null 2026-11-25T10:15:00.0000000+00:00 Warning 12345678901 NaN a \"quoted\" + <tag>",
              "messageTemplate": "{{literal}} {Ratio:0.00} {Flag} {Nothing} {At} {Level} {Big} {NotANumber} {Text}",
              "Ratio": 0.8567,
              "Flag": true,
              "Nothing": null,
              "At": "2026-11-25T10:15:00+00:00",
              "Level": "Warning",
              "Big": 12345678901,
              "NotANumber": "NaN",
              "Text": "a \"quoted\" + <tag>"
            }
            """,
            SingleLine(output));

        // Relaxed escaping keeps the line readable: '+' and '<' are not \u-escaped.
        Assert.Contains("+ <tag>", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Information_PropertyNamedLikeReservedField_IsPrefixed()
    {
        var (logger, output) = Create();

        logger.Information("Level is {level}", "high");

        using var line = JsonDocument.Parse(SingleLine(output));
        Assert.Equal("Information", line.RootElement.GetProperty("level").GetString());
        Assert.Equal("high", line.RootElement.GetProperty("_level").GetString());
    }

    [Fact]
    public void Log_ManyThreads_EveryLineIsWholeJson()
    {
        var (logger, output) = Create();

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => logger.Information("Record {Index} of {Total}", i, 400));

        var lines = Lines(output);
        Assert.Equal(400, lines.Count);
        var indexes = lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("Index").GetInt32()).Order();
        Assert.Equal(Enumerable.Range(0, 400), indexes);
    }

    [Theory]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("TRACE", LogLevel.Debug)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("Warning", LogLevel.Warning)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("Error", LogLevel.Error)]
    [InlineData("FATAL", LogLevel.Error)]
    public void TryParseLevel_KnownSpelling_ReturnsLevel(string text, LogLevel expected)
    {
        Assert.True(JsonLogger.TryParseLevel(text, out var level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("verbose")]
    public void TryParseLevel_UnknownOrMissing_ReturnsFalseAndInformation(string? text)
    {
        Assert.False(JsonLogger.TryParseLevel(text, out var level));
        Assert.Equal(LogLevel.Information, level);
    }

    private static (JsonLogger Logger, StringWriter Output) Create(LogLevel level = LogLevel.Debug)
    {
        var output = new StringWriter();
        return (new JsonLogger(output, level, new FakeTimeProvider(Now)), output);
    }

    private static List<string> Lines(StringWriter output) =>
        [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static string SingleLine(StringWriter output)
    {
        Assert.EndsWith("\n", output.ToString(), StringComparison.Ordinal);
        return Assert.Single(Lines(output));
    }
}
