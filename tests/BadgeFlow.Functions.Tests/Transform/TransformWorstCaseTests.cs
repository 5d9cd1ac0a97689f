using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;
using BadgeFlow.Transform;

namespace BadgeFlow.Functions.Tests.Transform;

/// <summary>Issue 13: at the largest processor buffer the template allows, the worst-case input still fits Lambda's
/// 6 MB response, so no valid read is failed for size.</summary>
public sealed class TransformWorstCaseTests
{
    // Real Firehose record IDs are 56 digits; the response repeats every one.
    private const int RecordIdLength = 56;

    private static readonly CampusRegistry Campus = CampusRegistry.Embedded();
    private static readonly BadgeReadTransformer Transformer = new(Campus, BadgePseudonymizer.FromBase64Key(TransformHarness.KeyBase64));

    /// <summary>The shortest valid agent line: 1-character sensor (unknown to the campus, so zone and venue are null)
    /// and badge, the shortest RFC 3339 time, no rssi. 25 bytes in, the most output per input byte.</summary>
    private static string ShortestAgentLine(int i) =>
        $"{(char)('a' + (i % 26))},{(char)('A' + (i / 26 % 26))},2026-11-25T10:{i / 60 % 60:D2}:{i % 60:D2}Z\n";

    [Fact]
    public void Transform_ShortestAgentLine_IsTheWorstExpansionOfAnyLine()
    {
        // Against every campus sensor as agent line and as Producer line (1-character readId), the worst ratio.
        var line = ShortestAgentLine(0);
        var worst = OutputBytes(line) / (double)line.Length;
        foreach (var sensor in Campus.Sensors.Select(s => s.Id))
        {
            var agent = $"{sensor},b,2026-11-25T10:00:00Z\n";
            var api = $"{{\"readId\":\"r\",\"sensorId\":\"{sensor}\",\"badgeHash\":\"{new string('A', 43)}\",\"readAt\":\"2026-11-25T10:00:00Z\",\"receivedAt\":\"2026-11-25T10:00:00Z\"}}\n";
            Assert.True(OutputBytes(agent) / (double)agent.Length < worst, agent);
            Assert.True(OutputBytes(api) / (double)api.Length < worst, api);
        }

        Assert.Equal(25, line.Length);
    }

    [Theory]
    [InlineData(1)] // the Kinesis Agent's default: one line per record, so a record ID per 25 bytes
    [InlineData(1000)] // aggregated records
    public async Task HandleAsync_TemplateMaximumBufferOfShortestAgentLines_FailsNoRecordAndStaysUnder6MB(int linesPerRecord)
    {
        var maxMiB = double.Parse(ParameterBound("ProcessorBufferSizeMBs", "MaxValue"), CultureInfo.InvariantCulture);
        var budget = (long)(maxMiB * 1024 * 1024);
        var records = new List<FirehoseTransformationRecord>();
        var data = new StringBuilder();
        long total = 0;
        var line = 0;
        while (total + ShortestAgentLine(line).Length <= budget)
        {
            var text = ShortestAgentLine(line++);
            data.Append(text);
            total += text.Length;
            if (line % linesPerRecord == 0)
            {
                records.Add(Record(records.Count, data));
            }
        }

        if (data.Length > 0)
        {
            records.Add(Record(records.Count, data));
        }

        var harness = await TransformHarness.CreateAsync();

        var response = await harness.Handler.HandleAsync(new FirehoseTransformationEvent { Records = records }, harness.Context());

        Assert.Equal(records.Count, response.Records.Count);
        Assert.All(response.Records, r => Assert.Equal("Ok", r.Result));
        Assert.Equal(line, response.Records.Sum(r => TransformHarness.Lines(r).Length));
        var size = JsonSerializer.SerializeToUtf8Bytes(response, TransformResponseJson.Response).Length;
        Assert.True(size < 6 * 1024 * 1024, $"response is {size} bytes for {total} bytes of input");
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "transform-worst-case.txt"), $"{linesPerRecord} lines/record: {total} bytes in, {records.Count} records, response {size} bytes\n");
    }

    private static FirehoseTransformationRecord Record(int index, StringBuilder data)
    {
        var record = new FirehoseTransformationRecord
        {
            RecordId = index.ToString(CultureInfo.InvariantCulture).PadLeft(RecordIdLength, '4'),
            ApproximateArrivalTimestamp = 1795600860000,
            Data = Convert.ToBase64String(Encoding.UTF8.GetBytes(data.ToString())),
        };
        data.Clear();
        return record;
    }

    private static string ParameterBound(string parameter, string bound)
    {
        var template = File.ReadAllText(RepositoryPaths.Repo("template.yaml"));
        var block = Regex.Match(template, $@"\n  {parameter}:\n((?:    .*\n)+)").Groups[1].Value;
        return Regex.Match(block, $@"^    {bound}: *([0-9.]+)", RegexOptions.Multiline).Groups[1].Value;
    }

    private static int OutputBytes(string line)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using var writer = BadgeReadTransformer.CreateWriter(output);
        var outcome = Transformer.Transform(Encoding.UTF8.GetBytes(line), TransformHarness.Now, output, writer);
        Assert.Equal(RecordStatus.Ok, outcome.Status);
        return output.WrittenCount;
    }
}
