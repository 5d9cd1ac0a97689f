using System.Text.Json;
using BadgeFlow.Testing.Scripted;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Runtime.Tests;

public sealed class EmfMetricsTests
{
    // 2026-11-25T10:00:00Z = 1795600800 s since the epoch (python3: datetime(2026,11,25,10,tzinfo=utc).timestamp()).
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Flush_CountBytesMilliseconds_WritesOneEmbeddedMetricFormatLine()
    {
        var metrics = new EmfMetrics("BadgeFlow", new FakeTimeProvider(Now), ("FunctionName", "Producer"));
        var output = new StringWriter();

        metrics.Count("ReadsAccepted", 498);
        metrics.Bytes("FirehoseBytes", 51234);
        metrics.Milliseconds("FirehoseLatency", TimeSpan.FromMilliseconds(42.5));
        metrics.Flush(output);

        JsonAssert.Equal(
            """
            {
              "_aws": {
                "Timestamp": 1795600800000,
                "CloudWatchMetrics": [
                  {
                    "Namespace": "BadgeFlow",
                    "Dimensions": [["FunctionName"]],
                    "Metrics": [
                      {"Name": "ReadsAccepted", "Unit": "Count"},
                      {"Name": "FirehoseBytes", "Unit": "Bytes"},
                      {"Name": "FirehoseLatency", "Unit": "Milliseconds"}
                    ]
                  }
                ]
              },
              "FunctionName": "Producer",
              "ReadsAccepted": 498,
              "FirehoseBytes": 51234,
              "FirehoseLatency": 42.5
            }
            """,
            Assert.Single(Lines(output)));
    }

    [Fact]
    public void Flush_MetricRecordedTwice_WritesValuesArray()
    {
        var metrics = new EmfMetrics("BadgeFlow", new FakeTimeProvider(Now));
        var output = new StringWriter();

        metrics.Milliseconds("StatementDuration", 120);
        metrics.Milliseconds("StatementDuration", 80);
        metrics.SetProperty("requestId", "req-1");
        metrics.Flush(output);

        using var line = JsonDocument.Parse(Assert.Single(Lines(output)));
        JsonAssert.Equal("[120, 80]", line.RootElement.GetProperty("StatementDuration").GetRawText());
        JsonAssert.Equal("[[]]", line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").GetRawText());
        Assert.Equal("req-1", line.RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public void Flush_NothingRecorded_WritesNothing()
    {
        var metrics = new EmfMetrics("BadgeFlow", ("FunctionName", "Transform"));
        var output = new StringWriter();

        metrics.Flush(output);

        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public void Flush_Twice_SecondWritesOnlyNewValues()
    {
        var metrics = new EmfMetrics("BadgeFlow", new FakeTimeProvider(Now));
        var output = new StringWriter();

        metrics.Count("Records", 1);
        metrics.Flush(output);
        metrics.Flush(output);
        metrics.Count("Failed", 3);
        metrics.Flush(output);

        var lines = Lines(output);
        Assert.Equal(2, lines.Count);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.False(second.RootElement.TryGetProperty("Records", out _));
        Assert.Equal(3, second.RootElement.GetProperty("Failed").GetDouble());
    }

    [Fact]
    public void Flush_MoreThanHundredValues_SplitsAcrossLines()
    {
        var metrics = new EmfMetrics("BadgeFlow", new FakeTimeProvider(Now));
        var output = new StringWriter();

        for (var i = 0; i < 150; i++)
        {
            metrics.Milliseconds("Latency", i);
        }

        metrics.Flush(output);

        var lines = Lines(output);
        Assert.Equal(2, lines.Count);
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(100, first.RootElement.GetProperty("Latency").GetArrayLength());
        Assert.Equal(50, second.RootElement.GetProperty("Latency").GetArrayLength());
        Assert.Equal(100, second.RootElement.GetProperty("Latency")[0].GetDouble());
    }

    [Fact]
    public void Record_NonFiniteValue_Throws()
    {
        var metrics = new EmfMetrics("BadgeFlow");

        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Count("Records", double.NaN));
    }

    private static List<string> Lines(StringWriter output) =>
        [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
}
