using System.Text;
using System.Text.Json;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;
using BadgeFlow.Transform;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Functions.Tests.Transform;

public sealed class TransformHandlerTests
{
    private static readonly string[] BadgeReadsColumns =
        ["read_id", "read_at", "badge_hash", "sensor_id", "zone_id", "venue", "rssi", "received_at", "source"];

    // Every raw badge ID in events/transform/*.json (inside base64 data, or hashed before it got there).
    private static readonly string[] RawBadgeIds =
    [
        "BADGE-000123", "BADGE-000124", "BADGE-000125", "BADGE-100001", "BADGE-100002", "BADGE-100003", "BADGE-100005",
        "BADGE-100006", "AGENT-BADGE-7001", "AGENT-BADGE-7002", "AGENT-BADGE-7003", "AGENT-BADGE-7004", "RAW-BADGE-9009",
    ];

    [Fact]
    public async Task HandleAsync_SmallEvent_WritesBadgeReadsRowsComputedIndependently()
    {
        var harness = await TransformHarness.CreateAsync();
        var request = TransformHarness.LoadEvent("small.json");

        var response = await harness.Handler.HandleAsync(request, harness.Context());

        // Expected rows: badge hashes and derived read IDs computed with Python's hmac/hashlib (same key), zones from
        // functions/campus.json, timestamps converted to UTC by hand.
        Assert.Equal(request.Records.Select(r => r.RecordId), response.Records.Select(r => r.RecordId));
        Assert.All(response.Records, r => Assert.Equal("Ok", r.Result));
        Assert.Equal(
            [
                """{"read_id":"5d080cb0994af7a824608aa2df3930a5","read_at":"2026-11-25 10:00:00.000000","badge_hash":"yf1iL3Xvwipw4OaKsyqElxrmCqa7GAdr7vDzltKvDHM","sensor_id":"venetian-l2-expo-a-s03","zone_id":"venetian-l2-expo-a","venue":"venetian","rssi":-61,"received_at":"2026-11-25 10:00:02.500000","source":"api"}""",
                """{"read_id":"r-0001","read_at":"2026-11-25 10:00:01.123456","badge_hash":"K-Ck3nWgSKFCEaDQ2K_OLBlD0ZgVqMcJt8y_PgNdX_Y","sensor_id":"caesars-forum-l1-food-hall-s02","zone_id":"caesars-forum-l1-food-hall","venue":"caesars-forum","rssi":null,"received_at":"2026-11-25 10:00:02.500000","source":"api"}""",
            ],
            TransformHarness.Lines(response.Records[0]));
        Assert.Equal(
            [
                """{"read_id":"c822a95d19a04e6644920f516cfed2bf","read_at":"2026-11-25 09:59:58.000000","badge_hash":"4vu0a7GK4LdIppleROk63Vx6E92_Strx3MDlYbQeX00","sensor_id":"venetian-l2-keynote-hall-d-s01","zone_id":"venetian-l2-keynote-hall-d","venue":"venetian","rssi":-70,"received_at":"2026-11-25 10:01:00.000000","source":"agent"}""",
            ],
            TransformHarness.Lines(response.Records[1]));
        Assert.Equal([TransformHarness.KeyParameter], harness.Store.Requested);
    }

    [Fact]
    public async Task HandleAsync_MixedEvent_ReturnsEveryRecordIdOnceInOrderWithItsResult()
    {
        var harness = await TransformHarness.CreateAsync();
        var request = TransformHarness.LoadEvent("mixed.json");

        var response = await harness.Handler.HandleAsync(request, harness.Context());

        Assert.Equal(request.Records.Select(r => r.RecordId), response.Records.Select(r => r.RecordId));
        Assert.Equal(
            [
                "Ok",               // 1: three Producer lines
                "ProcessingFailed", // 2: corrupt base64
                "Dropped",          // 3: garbage text: read as agent lines, each skipped and counted
                "Ok",               // 4: agent CSV with header and CRLF
                "Ok",               // 5: unknown sensor, kept
                "ProcessingFailed", // 6: one good line, one truncated: the record fails whole
                "Dropped",          // 7: blank lines only
                "Ok",               // 8: agent CSV, unknown sensor
                "ProcessingFailed", // 9: a raw badge ID where the badge hash belongs
                "Dropped",          // 10: agent CSV with a bad time: skipped, so its raw badge ID is kept nowhere
            ],
            response.Records.Select(r => r.Result));
        Assert.All(response.Records.Where(r => r.Result != "Ok"), r => Assert.Null(r.Data));
    }

    [Fact]
    public async Task HandleAsync_MixedEvent_OkRecordsHoldOnlyBadgeReadsRows()
    {
        var harness = await TransformHarness.CreateAsync();

        var response = await harness.Handler.HandleAsync(TransformHarness.LoadEvent("mixed.json"), harness.Context());

        var rows = response.Records.Where(r => r.Result == "Ok").SelectMany(TransformHarness.Lines).ToList();
        Assert.Equal(3 + 2 + 1 + 1, rows.Count);
        foreach (var row in rows)
        {
            using var document = JsonDocument.Parse(row);
            Assert.Equal(BadgeReadsColumns, document.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Matches("^[A-Za-z0-9_-]{43}$", document.RootElement.GetProperty("badge_hash").GetString());
            Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$", document.RootElement.GetProperty("read_at").GetString());
        }

        var agent = TransformHarness.Lines(response.Records[3]);
        Assert.Equal(
            [
                """{"read_id":"a1bd7c3c73bd002e648485a8731815d5","read_at":"2026-11-25 10:00:05.000000","badge_hash":"YLXmjFuRBltkSxWHWvwEus9E1hhCPhv-ZwR673YksRI","sensor_id":"mandalay-l1-food-hall-bayside-s01","zone_id":"mandalay-l1-food-hall-bayside","venue":"mandalay","rssi":-66,"received_at":"2026-11-25 10:01:00.000000","source":"agent"}""",
                """{"read_id":"b903a16c7e74b08f65475b1608533be5","read_at":"2026-11-25 10:00:06.000000","badge_hash":"JuWXYzxpVs9R1N4T5zxpfHVdAk4Fp3STHjWn31tyE5s","sensor_id":"mandalay-l1-food-hall-bayside-s02","zone_id":"mandalay-l1-food-hall-bayside","venue":"mandalay","rssi":null,"received_at":"2026-11-25 10:01:00.000000","source":"agent"}""",
            ],
            agent);

        using var unknown = JsonDocument.Parse(Assert.Single(TransformHarness.Lines(response.Records[4])));
        Assert.Equal("unknown-sensor-99", unknown.RootElement.GetProperty("sensor_id").GetString());
        Assert.Equal(JsonValueKind.Null, unknown.RootElement.GetProperty("zone_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, unknown.RootElement.GetProperty("venue").ValueKind);
    }

    [Fact]
    public async Task HandleAsync_MixedEvent_NoRawBadgeIdInResponseLogsOrMetrics()
    {
        var harness = await TransformHarness.CreateAsync();

        var response = await harness.Handler.HandleAsync(TransformHarness.LoadEvent("mixed.json"), harness.Context());

        var responseJson = JsonSerializer.Serialize(response, EventsJsonContext.Default.FirehoseTransformationResponse);
        var decoded = string.Concat(response.Records.Where(r => r.Data is not null).Select(TransformHarness.Decode));
        var written = harness.Output.ToString();
        Assert.NotEmpty(written);
        foreach (var badge in RawBadgeIds)
        {
            Assert.DoesNotContain(badge, responseJson, StringComparison.Ordinal);
            Assert.DoesNotContain(badge, decoded, StringComparison.Ordinal);
            Assert.DoesNotContain(badge, written, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HandleAsync_MixedEvent_LogsWhyEachRecordFailedAndEmitsMetrics()
    {
        var harness = await TransformHarness.CreateAsync();
        var request = TransformHarness.LoadEvent("mixed.json");
        harness.Output.GetStringBuilder().Clear(); // keep only what the invocation writes

        await harness.Handler.HandleAsync(request, harness.Context());

        var lines = harness.Output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var failures = lines.Where(l => l.TryGetProperty("messageTemplate", out var t) && t.GetString()!.StartsWith("Record {RecordId} failed", StringComparison.Ordinal))
            .ToDictionary(l => l.GetProperty("RecordId").GetString()!, l => l.GetProperty("message").GetString()!);
        Assert.Equal(
            new[] { 1, 5, 8 }.Select(i => request.Records[i].RecordId).Order(StringComparer.Ordinal),
            failures.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("data is not valid base64", failures[request.Records[1].RecordId], StringComparison.Ordinal);
        Assert.Contains("line 2", failures[request.Records[5].RecordId], StringComparison.Ordinal);
        Assert.Contains("badgeHash", failures[request.Records[8].RecordId], StringComparison.Ordinal);
        var skipped = Assert.Single(lines, l => l.TryGetProperty("SkippedReasons", out _));
        Assert.Equal(3, skipped.GetProperty("SkippedLineCount").GetInt32());
        Assert.Equal(
            "line must have 3 or 4 columns: sensor_id,badge_id,read_at[,rssi]: 2; readAt must be an RFC 3339 date-time with a UTC offset, e.g. 2026-11-25T10:00:00Z: 1",
            skipped.GetProperty("SkippedReasons").GetString());

        var unmapped = Assert.Single(lines, l => l.TryGetProperty("UnmappedSensors", out _));
        Assert.Equal("unknown-sensor-99, warehouse-dock-7", unmapped.GetProperty("UnmappedSensors").GetString());

        var emf = Assert.Single(lines, l => l.TryGetProperty("_aws", out _));
        Assert.Equal("Transform", emf.GetProperty("FunctionName").GetString());
        Assert.Equal(4, emf.GetProperty("RecordsOk").GetDouble());
        Assert.Equal(3, emf.GetProperty("RecordsDropped").GetDouble());
        Assert.Equal(3, emf.GetProperty("RecordsFailed").GetDouble());
        Assert.Equal(3, emf.GetProperty("SkippedLines").GetDouble());
        Assert.Equal(7, emf.GetProperty("Reads").GetDouble());
        Assert.Equal(2, emf.GetProperty("UnmappedReads").GetDouble());
        Assert.All(lines.Where(l => l.TryGetProperty("level", out _)), l => Assert.Equal("8f1c2d3e-0000-4000-8000-000000000001", l.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task HandleAsync_AgentRecordWithInvalidLines_LoadsTheValidLinesAndCountsTheOthersByReason()
    {
        var harness = await TransformHarness.CreateAsync();
        const string Data = "aria-l3-pinyon-3-s02,AGENT-BADGE-7001,2026-11-25T10:00:00Z,-50\n"
            + "aria-l3-pinyon-3-s02,AGENT-BADGE-7002,not-a-time,-50\n"
            + "aria-l3-pinyon-3-s02,AGENT-BADGE-7003,2026-11-25T10:00:01Z,-500\n"
            + "aria-l3-pinyon-3-s02,AGENT-BADGE-7004,2026-11-25T10:00:02Z\n";
        var request = new FirehoseTransformationEvent
        {
            Records = [new FirehoseTransformationRecord { RecordId = "r1", ApproximateArrivalTimestamp = 1795600860000, Data = Convert.ToBase64String(Encoding.UTF8.GetBytes(Data)) }],
        };
        harness.Output.GetStringBuilder().Clear();

        var response = await harness.Handler.HandleAsync(request, harness.Context());

        var record = Assert.Single(response.Records);
        Assert.Equal("Ok", record.Result);
        var rows = TransformHarness.Lines(record).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["2026-11-25 10:00:00.000000", "2026-11-25 10:00:02.000000"], rows.Select(r => r.GetProperty("read_at").GetString()));
        var log = harness.Output.ToString();
        Assert.Contains("\"SkippedLineCount\":2", log, StringComparison.Ordinal);
        Assert.Contains("readAt must be an RFC 3339", log, StringComparison.Ordinal);
        Assert.Contains("rssi must be an integer", log, StringComparison.Ordinal);
        var everything = log + JsonSerializer.Serialize(response, TransformResponseJson.Response) + string.Concat(rows.Select(r => r.GetRawText()));
        Assert.DoesNotContain("AGENT-BADGE", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OutputOverResponseLimit_FailsTheExcessAndStaysUnderTheLimit()
    {
        var harness = await TransformHarness.CreateAsync();
        var data = TransformHarness.LoadEvent("small.json").Records[0].Data;
        var request = new FirehoseTransformationEvent
        {
            Records = [.. Enumerable.Range(0, 40).Select(i => new FirehoseTransformationRecord
            {
                RecordId = $"record-{i:D2}",
                ApproximateArrivalTimestamp = 1795600860000,
                Data = data,
            })],
        };
        const int Limit = 16 * 1024;
        var handler = new TransformHandler(
            new BadgeReadTransformer(
                BadgeFlow.Domain.Campus.CampusRegistry.Embedded(),
                BadgeFlow.Domain.Privacy.BadgePseudonymizer.FromBase64Key(TransformHarness.KeyBase64)),
            new TransformOptions("BadgeFlowTest", Limit),
            harness.Output,
            new FakeTimeProvider(TransformHarness.Now));

        var response = await handler.HandleAsync(request, harness.Context());

        Assert.Equal(request.Records.Select(r => r.RecordId), response.Records.Select(r => r.RecordId));
        var ok = response.Records.Count(r => r.Result == "Ok");
        Assert.InRange(ok, 1, 39);
        Assert.All(response.Records.Skip(ok), r => Assert.Equal("ProcessingFailed", r.Result));
        var size = JsonSerializer.SerializeToUtf8Bytes(response, TransformResponseJson.Response).Length;
        Assert.True(size <= Limit, $"response is {size} bytes, over {Limit}");
        Assert.Contains("6 MB Lambda response", harness.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_AwsSampleEventOfPlainText_DropsTheRecordCountingItsLineAndAnswersForIt()
    {
        // aws-lambda-dotnet's sample: one record whose data is "hello world" (not a read). BOM stripped by ReadAllText.
        var harness = await TransformHarness.CreateAsync();
        var json = File.ReadAllText(RepositoryPaths.AwsReference("events", "firehose-transform", "aws-lambda-dotnet--kinesis-firehose-event.json"));
        var request = JsonSerializer.Deserialize(json, EventsJsonContext.Default.FirehoseTransformationEvent)!;

        var response = await harness.Handler.HandleAsync(request, harness.Context());

        var result = Assert.Single(response.Records);
        Assert.Equal("49572672223665514422805246926656954630972486059535892482", result.RecordId);
        // Not a JSON object, so read as an agent line, which is skipped rather than kept with whatever it holds.
        Assert.Equal("Dropped", result.Result);
        Assert.Contains("\"SkippedLineCount\":1", harness.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_EmptyEvent_ReturnsNoRecords()
    {
        var harness = await TransformHarness.CreateAsync();

        var response = await harness.Handler.HandleAsync(new FirehoseTransformationEvent(), harness.Context());

        Assert.Empty(response.Records);
    }

    [Fact]
    public async Task CreateHandlerAsync_CampusFileSet_UsesItInsteadOfTheEmbeddedOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"campus-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            {"name":"One room","venues":[{"id":"v","name":"V"}],
             "zones":[{"id":"v-room","name":"Room","venue":"v","floor":"1","kind":"session","areaSquareMetres":50,"capacity":40}],
             "sensors":[{"id":"venetian-l2-expo-a-s03","zone":"v-room"}]}
            """);
        try
        {
            var harness = await TransformHarness.CreateAsync(path);

            var response = await harness.Handler.HandleAsync(TransformHarness.LoadEvent("small.json"), harness.Context());

            using var first = JsonDocument.Parse(TransformHarness.Lines(response.Records[0])[0]);
            Assert.Equal("v-room", first.RootElement.GetProperty("zone_id").GetString());
            using var second = JsonDocument.Parse(TransformHarness.Lines(response.Records[0])[1]);
            Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("zone_id").ValueKind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CreateHandlerAsync_KeyTooShort_FailsNamingTheParameterNotTheValue()
    {
        var store = new FakeParameterStore(new Dictionary<string, string> { ["/k"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("short-secret")) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TransformStartup.CreateHandlerAsync(
            new TransformSettings("/k", null, "BadgeFlow"), store, new BadgeFlow.Runtime.JsonLogger(TextWriter.Null), TextWriter.Null,
            TimeProvider.System, CancellationToken.None));

        Assert.Contains("/k", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQtc2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingKeyParameter_NamesTheVariable()
    {
        var error = Assert.Throws<BadgeFlow.Runtime.SettingsException>(() => TransformSettings.Read(new BadgeFlow.Runtime.EnvironmentSettings(_ => null)));

        Assert.Contains("PSEUDONYMIZATION_KEY_PARAMETER", error.Message, StringComparison.Ordinal);
    }
}
