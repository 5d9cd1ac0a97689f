using System.Text;
using BadgeFlow.Domain.Reads;

namespace BadgeFlow.Domain.Tests.Reads;

public sealed class SensorReadParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 5, 0, TimeSpan.Zero);
    private static readonly ReadParseOptions Options = new();

    private static ReadBatch Parse(string body, ReadBodyFormat format, ReadParseOptions? options = null) =>
        SensorReadParser.Parse(Encoding.UTF8.GetBytes(body), format, Now, options ?? Options);

    [Fact]
    public void Parse_JsonWithValidReads_ReturnsEveryReadWithItsIndex()
    {
        var batch = Parse("""
            {"reads": [
              {"sensorId": "venetian-l2-expo-a-s03", "badgeId": "BADGE-000123", "readAt": "2026-11-25T10:00:00Z", "rssi": -61},
              {"sensorId": "mgm-l1-registration-s01", "badgeId": "BADGE-000124", "readAt": "2026-11-25T02:01:30.25-08:00", "readId": "r-42"}
            ]}
            """, ReadBodyFormat.Json);

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Empty(batch.Rejections);
        Assert.Collection(
            batch.Reads,
            first =>
            {
                Assert.Equal(0, first.Index);
                Assert.Equal(
                    new SensorRead("venetian-l2-expo-a-s03", "BADGE-000123", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), -61, null),
                    first.Read);
            },
            second =>
            {
                Assert.Equal(1, second.Index);
                Assert.Equal(
                    new SensorRead("mgm-l1-registration-s01", "BADGE-000124",
                        new DateTimeOffset(2026, 11, 25, 2, 1, 30, 250, TimeSpan.FromHours(-8)), null, "r-42"),
                    second.Read);
            });
    }

    [Fact]
    public void Parse_JsonWithSomeInvalidReads_KeepsValidOnesAndSaysWhichFieldOfWhichRead()
    {
        var batch = Parse("""
            {"reads": [
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-1", "readAt": "2026-11-25T10:00:00Z"},
              {"sensorId": "s1", "readAt": "2026-11-25T10:00:00Z"},
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-2", "readAt": "2026-11-25T10:00:00Z", "rssi": 5},
              {"sensorId": "bad sensor", "badgeId": "SECRET-BADGE-3", "readAt": "2026-11-25T10:00:00Z"},
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-4", "readAt": "2026-11-25T10:00:00"},
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-5", "readAt": "2026-11-24T10:04:59Z"},
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-6", "readAt": "2026-11-25T10:10:01Z"},
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-7", "readAt": "2026-11-25T10:00:00Z", "readId": "has space"},
              42,
              {"sensorId": "s1", "badgeId": "SECRET\u0007BADGE", "readAt": "2026-11-25T10:00:00Z"},
              {"sensorId": 17, "badgeId": "SECRET-BADGE-8", "readAt": "2026-11-25T10:00:00Z"},
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-9", "readAt": "2026-11-25T10:00:00Z", "rssi": -61.5},
              {"sensorId": "s1", "sensorId": "s2", "badgeId": "SECRET-BADGE-10", "readAt": "2026-11-25T10:00:00Z"},
              {"sensorId": "s1", "badgeId": "SECRET-BADGE-11", "readAt": "2026-11-25T10:00:00Z", "rssi": null, "firmware": {"v": [1, 2]}}
            ]}
            """, ReadBodyFormat.Json);

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Equal([0, 13], batch.Reads.Select(r => r.Index));
        Assert.Equal(
            [
                new ReadRejection(1, "badgeId", "is required"),
                new ReadRejection(2, "rssi", "must be an integer from -127 to 0"),
                new ReadRejection(3, "sensorId", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'"),
                new ReadRejection(4, "readAt", "must be an RFC 3339 date-time with a UTC offset, e.g. 2026-11-25T10:00:00Z"),
                new ReadRejection(5, "readAt", "must not be more than 24 hours in the past"),
                new ReadRejection(6, "readAt", "must not be more than 5 minutes in the future"),
                new ReadRejection(7, "readId", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'"),
                new ReadRejection(8, "read", "must be a JSON object"),
                new ReadRejection(9, "badgeId", "must contain only printable characters"),
                new ReadRejection(10, "sensorId", "must be a string"),
                new ReadRejection(11, "rssi", "must be an integer from -127 to 0"),
                new ReadRejection(12, "sensorId", "must appear only once"),
            ],
            batch.Rejections);
        Assert.Equal(14, batch.ReadCount);
        Assert.DoesNotContain(batch.Rejections, r => r.Reason.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_JsonReadOnTheEdgesOfTheWindow_IsAccepted()
    {
        var batch = Parse("""
            {"reads": [
              {"sensorId": "s1", "badgeId": "B1", "readAt": "2026-11-24T10:05:00Z"},
              {"sensorId": "s1", "badgeId": "B1", "readAt": "2026-11-25T10:10:00Z"}
            ]}
            """, ReadBodyFormat.Json);

        Assert.Equal(2, batch.Reads.Count);
    }

    [Fact]
    public void Parse_JsonWithEscapedStrings_UnescapesThem()
    {
        var batch = Parse("""{"reads":[{"sensorId":"s\u0031","badgeId":"B\u00e9\"X","readAt":"2026-11-25T10:00:00\u005A"}]}""", ReadBodyFormat.Json);

        var read = Assert.Single(batch.Reads).Read;
        Assert.Equal("s1", read.SensorId);
        Assert.Equal("Bé\"X", read.BadgeId);
    }

    [Theory]
    [InlineData("""{"reads": [ {"sensorId": "s1", """, 1)]
    [InlineData("not json", 1)]
    [InlineData("{\"reads\": []}\n{\"reads\": []}", 2)]
    public void Parse_JsonSyntaxError_IsMalformedBodyWithLine(string body, long line)
    {
        var batch = Parse(body, ReadBodyFormat.Json);

        Assert.Equal(ReadBatchStatus.MalformedBody, batch.Status);
        Assert.Equal(new ReadBodyError("The body is not valid JSON.", line), batch.BodyError);
        Assert.Empty(batch.Reads);
    }

    [Theory]
    [InlineData("""[{"sensorId": "s1"}]""")]
    [InlineData("""{"data": []}""")]
    [InlineData("""{"reads": {"sensorId": "s1"}}""")]
    [InlineData("\"reads\"")]
    public void Parse_JsonOfWrongShape_IsMalformedBody(string body)
    {
        var batch = Parse(body, ReadBodyFormat.Json);

        Assert.Equal(ReadBatchStatus.MalformedBody, batch.Status);
        Assert.Equal("The body must be a JSON object with a \"reads\" array of read objects.", batch.BodyError!.Message);
    }

    [Fact]
    public void Parse_JsonWithNoReads_IsMalformedBody()
    {
        var batch = Parse("""{"reads": []}""", ReadBodyFormat.Json);

        Assert.Equal(ReadBatchStatus.MalformedBody, batch.Status);
        Assert.Equal("The body holds no reads.", batch.BodyError!.Message);
    }

    [Fact]
    public void Parse_JsonWithMoreReadsThanAllowed_StopsAtTheFirstReadOverTheLimit()
    {
        // The text after the third read's start is not even JSON: parsing must stop before it.
        var batch = Parse(
            """{"reads":[{"sensorId":"s1","badgeId":"B1","readAt":"2026-11-25T10:00:00Z"},{"sensorId":"s1","badgeId":"B2","readAt":"2026-11-25T10:00:00Z"},{ this is not json""",
            ReadBodyFormat.Json,
            new ReadParseOptions { MaxReads = 2 });

        Assert.Equal(ReadBatchStatus.TooManyReads, batch.Status);
    }

    [Fact]
    public void Parse_JsonWithExactlyMaxReads_IsParsed()
    {
        var batch = Parse(
            """{"reads":[{"sensorId":"s1","badgeId":"B1","readAt":"2026-11-25T10:00:00Z"},{"sensorId":"s1","badgeId":"B2","readAt":"2026-11-25T10:00:00Z"}]}""",
            ReadBodyFormat.Json,
            new ReadParseOptions { MaxReads = 2 });

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Equal(2, batch.Reads.Count);
    }

    [Fact]
    public void Parse_JsonWithByteOrderMark_IsParsed()
    {
        var body = "\uFEFF{\"reads\":[{\"sensorId\":\"s1\",\"badgeId\":\"B1\",\"readAt\":\"2026-11-25T10:00:00Z\"}]}"u8.ToArray();

        var batch = SensorReadParser.Parse(body, ReadBodyFormat.Json, Now, Options);

        Assert.Single(batch.Reads);
    }

    [Fact]
    public void Parse_NdJsonWithBadLines_RejectsThoseLinesOnly()
    {
        var batch = Parse(
            "{\"sensorId\":\"s1\",\"badgeId\":\"B1\",\"readAt\":\"2026-11-25T10:00:00Z\"}\r\n"
            + "\n"
            + "this is not json\n"
            + "[1,2]\n"
            + "{\"sensorId\":\"s1\",\"badgeId\":\"B2\",\"readAt\":\"2026-11-25T10:00:00Z\"} trailing\n"
            + "{\"sensorId\":\"s1\",\"badgeId\":\"B3\",\"readAt\":\"2026-11-25T10:00:00Z\",\"rssi\":-70}",
            ReadBodyFormat.NdJson);

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Equal([0, 4], batch.Reads.Select(r => r.Index));
        Assert.Equal("B3", batch.Reads[1].Read.BadgeId);
        Assert.Equal((short)-70, batch.Reads[1].Read.Rssi);
        Assert.Equal(
            [
                new ReadRejection(1, "read", "must be one JSON object on one line"),
                new ReadRejection(2, "read", "must be a JSON object"),
                new ReadRejection(3, "read", "must be one JSON object on one line"),
            ],
            batch.Rejections);
    }

    [Fact]
    public void Parse_NdJsonOverTheLimit_IsTooManyReads()
    {
        var line = "{\"sensorId\":\"s1\",\"badgeId\":\"B1\",\"readAt\":\"2026-11-25T10:00:00Z\"}\n";

        var batch = Parse(line + line + line, ReadBodyFormat.NdJson, new ReadParseOptions { MaxReads = 2 });

        Assert.Equal(ReadBatchStatus.TooManyReads, batch.Status);
    }

    [Fact]
    public void Parse_NdJsonOnlyBlankLines_IsMalformedBody()
    {
        Assert.Equal(ReadBatchStatus.MalformedBody, Parse("\n \r\n", ReadBodyFormat.NdJson).Status);
    }

    [Fact]
    public void Parse_CsvWithHeaderAndQuotedFields_ParsesEveryRow()
    {
        var batch = Parse(
            "sensor_id,badge_id,read_at,rssi\r\n"
            + "venetian-l2-expo-a-s03,BADGE-000123,2026-11-25T10:00:00Z,-61\r\n"
            + "s2, \"Smith, \"\"J\"\"\" ,2026-11-25T10:01:00+00:00,\r\n"
            + "s3,B3,2026-11-25T10:02:00Z\r\n",
            ReadBodyFormat.Csv);

        Assert.Equal(ReadBatchStatus.Parsed, batch.Status);
        Assert.Empty(batch.Rejections);
        Assert.Equal(
            [
                new ParsedRead(0, new SensorRead("venetian-l2-expo-a-s03", "BADGE-000123", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), -61, null)),
                new ParsedRead(1, new SensorRead("s2", "Smith, \"J\"", new DateTimeOffset(2026, 11, 25, 10, 1, 0, TimeSpan.Zero), null, null)),
                new ParsedRead(2, new SensorRead("s3", "B3", new DateTimeOffset(2026, 11, 25, 10, 2, 0, TimeSpan.Zero), null, null)),
            ],
            batch.Reads);
    }

    [Fact]
    public void Parse_CsvWithBadRows_SaysWhichFieldOfWhichRow()
    {
        var batch = Parse(
            "s1,B1,2026-11-25T10:00:00Z\n"
            + "s1,B2\n"
            + "s1,B3,2026-11-25T10:00:00Z,-61,extra\n"
            + "s1,\"B4,2026-11-25T10:00:00Z\n"
            + "s1,B5,yesterday\n"
            + "s1,B6,2026-11-25T10:00:00Z,-200\n"
            + "s/1,B7,2026-11-25T10:00:00Z\n"
            + "s1,,2026-11-25T10:00:00Z\n"
            + "s1,B9,2026-11-20T10:00:00Z\n",
            ReadBodyFormat.Csv);

        Assert.Equal([0], batch.Reads.Select(r => r.Index));
        Assert.Equal(
            [
                new ReadRejection(1, "read", "must have 3 or 4 columns: sensor_id,badge_id,read_at[,rssi]"),
                new ReadRejection(2, "read", "must have 3 or 4 columns: sensor_id,badge_id,read_at[,rssi]"),
                new ReadRejection(3, "badgeId", "has a quoted field without its closing quote"),
                new ReadRejection(4, "readAt", "must be an RFC 3339 date-time with a UTC offset, e.g. 2026-11-25T10:00:00Z"),
                new ReadRejection(5, "rssi", "must be an integer from -127 to 0"),
                new ReadRejection(6, "sensorId", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'"),
                new ReadRejection(7, "badgeId", "must not be empty"),
                new ReadRejection(8, "readAt", "must not be more than 24 hours in the past"),
            ],
            batch.Rejections);
    }

    [Fact]
    public void Parse_CsvWithWrongHeader_IsMalformedBody()
    {
        var batch = Parse("sensor_id,badge,time\ns1,B1,2026-11-25T10:00:00Z\n", ReadBodyFormat.Csv);

        Assert.Equal(ReadBatchStatus.MalformedBody, batch.Status);
        Assert.Equal(1, batch.BodyError!.Line);
    }

    [Fact]
    public void Parse_CsvOverTheLimit_IsTooManyReads()
    {
        var batch = Parse("s1,B1,2026-11-25T10:00:00Z\ns1,B2,2026-11-25T10:00:00Z\n", ReadBodyFormat.Csv, new ReadParseOptions { MaxReads = 1 });

        Assert.Equal(ReadBatchStatus.TooManyReads, batch.Status);
    }

    [Fact]
    public void Parse_CsvHeaderOnly_IsMalformedBody()
    {
        Assert.Equal("The body holds no reads.", Parse("sensor_id,badge_id,read_at\n", ReadBodyFormat.Csv).BodyError!.Message);
    }

    [Theory]
    [InlineData("B", null)]
    [InlineData(" B", "must not start or end with whitespace")]
    [InlineData("Zoë Müller", null)]
    [InlineData("tab\there", "must contain only printable characters")]
    [InlineData("zero\u200Bwidth", "must contain only printable characters")]
    public void CheckBadgeId_Value_AppliesPrintableRule(string badgeId, string? expected)
    {
        Assert.Equal(expected, ReadFieldRules.CheckBadgeId(Encoding.UTF8.GetBytes(badgeId)));
    }

    [Fact]
    public void CheckBadgeId_128And129Characters_AcceptsOnlyTheFirst()
    {
        Assert.Null(ReadFieldRules.CheckBadgeId(Encoding.UTF8.GetBytes(new string('é', 128))));
        Assert.Equal("must be at most 128 characters", ReadFieldRules.CheckBadgeId(Encoding.UTF8.GetBytes(new string('é', 129))));
        Assert.Equal("must be at most 128 characters", ReadFieldRules.CheckBadgeId(Encoding.UTF8.GetBytes(new string('x', 129))));
    }

    [Theory]
    [InlineData("application/json", ReadBodyFormat.Json)]
    [InlineData("Application/JSON; charset=UTF-8", ReadBodyFormat.Json)]
    [InlineData("application/x-ndjson", ReadBodyFormat.NdJson)]
    [InlineData("text/csv; header=present", ReadBodyFormat.Csv)]
    public void TryFromContentType_Supported_GivesFormat(string contentType, ReadBodyFormat expected)
    {
        Assert.True(ReadBodyFormats.TryFromContentType(contentType, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=latin1")]
    [InlineData("")]
    [InlineData(null)]
    public void TryFromContentType_Unsupported_ReturnsFalse(string? contentType)
    {
        Assert.False(ReadBodyFormats.TryFromContentType(contentType, out _));
    }
}
