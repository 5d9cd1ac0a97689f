using System.Net;
using System.Text;
using System.Text.Json;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Simulator;
using BadgeFlow.Testing.Time;

namespace BadgeFlow.Local.Tests.Simulator;

public sealed class SensorApiClientTests
{
    private static readonly WireRead[] ThreeReads =
    [
        new() { SensorId = "hall-a-s01", BadgeId = "B-1", ReadAt = "2026-11-25T10:00:00.000Z", Rssi = -61 },
        new() { SensorId = "hall-a-s02", BadgeId = "B-2", ReadAt = "2026-11-25T10:00:01.000Z", Rssi = 7 },
        new() { SensorId = "hall-a-s01", BadgeId = "B-3", ReadAt = "2026-11-25T10:00:02.000Z" },
    ];

    [Fact]
    public async Task SendAsync_Batch_PostsJsonReadsWithTheApiKey()
    {
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.OK, """{"received":3,"accepted":3,"rejected":0,"failed":0,"acceptedReads":[{"index":0,"readId":"a"},{"index":1,"readId":"b"},{"index":2,"readId":"c"}],"rejectedReads":[],"failedReads":[]}"""));
        var client = Client(handler, "https://abc.execute-api.us-east-1.amazonaws.com/Prod/");

        var outcome = await client.SendAsync(ThreeReads, CancellationToken.None);

        Assert.Equal((200, 3), (outcome.StatusCode, outcome.Accepted));
        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://abc.execute-api.us-east-1.amazonaws.com/Prod/reads", request.Url);
        Assert.Equal("key-123", request.ApiKey);
        Assert.Equal("application/json", request.ContentType);
        using var body = JsonDocument.Parse(request.Body);
        var reads = body.RootElement.GetProperty("reads");
        Assert.Equal(3, reads.GetArrayLength());
        Assert.Equal("hall-a-s01", reads[0].GetProperty("sensorId").GetString());
        Assert.Equal("B-1", reads[0].GetProperty("badgeId").GetString());
        Assert.Equal("2026-11-25T10:00:00.000Z", reads[0].GetProperty("readAt").GetString());
        Assert.Equal(-61, reads[0].GetProperty("rssi").GetInt32());
        Assert.False(reads[2].TryGetProperty("rssi", out _), "a read without signal strength omits rssi");
    }

    [Fact]
    public async Task SendAsync_MultiStatus_SplitsAcceptedRejectedAndToResend()
    {
        var handler = new ScriptedHandler(_ => Json((HttpStatusCode)207, """{"received":3,"accepted":1,"rejected":1,"failed":1,"acceptedReads":[{"index":0,"readId":"a"}],"rejectedReads":[{"index":1,"field":"rssi","reason":"must be -127..0"}],"failedReads":[{"index":2,"readId":"c","reason":"ServiceUnavailableException"}]}"""));

        var outcome = await Client(handler).SendAsync(ThreeReads, CancellationToken.None);

        Assert.Equal(207, outcome.StatusCode);
        Assert.Equal(1, outcome.Accepted);
        Assert.Equal([1], outcome.Rejected);
        Assert.Equal([2], outcome.Resend);
    }

    [Fact]
    public async Task SendAsync_NothingDelivered_ResendsTheFailedAfterRetryAfter()
    {
        var handler = new ScriptedHandler(_ =>
        {
            var response = Json(HttpStatusCode.ServiceUnavailable, """{"type":"https://badgeflow.dev/problems/delivery-unavailable","title":"Service Unavailable","status":503,"detail":"…","received":3,"rejectedReads":[{"index":1,"field":"rssi","reason":"x"}],"failedReads":[{"index":0,"readId":"a","reason":"r"},{"index":2,"readId":"c","reason":"r"}]}""", "application/problem+json");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
            return response;
        });

        var outcome = await Client(handler).SendAsync(ThreeReads, CancellationToken.None);

        Assert.Equal((503, 0), (outcome.StatusCode, outcome.Accepted));
        Assert.Equal([1], outcome.Rejected);
        Assert.Equal([0, 2], outcome.Resend);
        Assert.Equal(TimeSpan.FromSeconds(2), outcome.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_NoValidRead_AllRejected()
    {
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.BadRequest, """{"type":"t","title":"No Valid Reads","status":400,"detail":"d","received":3,"rejectedReads":[{"index":0,"field":"readAt","reason":"x"},{"index":1,"field":"rssi","reason":"x"},{"index":2,"field":"readAt","reason":"x"}]}""", "application/problem+json"));

        var outcome = await Client(handler).SendAsync(ThreeReads, CancellationToken.None);

        Assert.Equal([0, 1, 2], outcome.Rejected);
        Assert.Empty(outcome.Resend);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, """{"message":"Too Many Requests"}""")]
    [InlineData(HttpStatusCode.BadGateway, """{"message": "Internal server error"}""")]
    public async Task SendAsync_ThrottledOrFunctionFailed_ResendsAll(HttpStatusCode status, string body)
    {
        var handler = new ScriptedHandler(_ => Json(status, body));

        var outcome = await Client(handler).SendAsync(ThreeReads, CancellationToken.None);

        Assert.Equal([0, 1, 2], outcome.Resend);
        Assert.Equal(0, outcome.Accepted);
    }

    [Fact]
    public async Task SendAsync_EachGroupsBatch_CarriesThatGroupsKey()
    {
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.OK, """{"acceptedReads":[{"index":0,"readId":"a"}],"rejectedReads":[],"failedReads":[]}"""));
        var client = Client(handler);

        foreach (var sensor in new[] { "hall-a-s02", "hall-b-s01", "hall-a-s03" })
        {
            await client.SendAsync([ThreeReads[0] with { SensorId = sensor }], CancellationToken.None);
        }

        Assert.Equal(["key-123", "key-456", "key-789"], handler.Requests.Select(r => r.ApiKey));
    }

    [Fact]
    public void BatchKey_SensorsOfTwoGroups_Differ()
    {
        var client = Client(new ScriptedHandler(_ => throw new InvalidOperationException()));

        Assert.Equal("hall-a", ((IReadSink)client).BatchKey(ThreeReads[1]));
        Assert.Equal("fleet-3", ((IReadSink)client).BatchKey(ThreeReads[0] with { SensorId = "hall-a-s03" }));
    }

    [Fact]
    public async Task SendAsync_BatchMixingGroups_IsRefusedBeforeSending()
    {
        var handler = new ScriptedHandler(_ => throw new InvalidOperationException("must not send"));

        await Assert.ThrowsAsync<ArgumentException>(() => Client(handler).SendAsync([ThreeReads[0], ThreeReads[0] with { SensorId = "hall-b-s01" }], CancellationToken.None));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void SensorKeyring_GroupWithoutKey_IsNamed()
    {
        var e = Assert.Throws<SensorApiRefusedException>(() => new SensorKeyring(Campus, new Dictionary<string, string> { ["hall-a"] = "k" }));

        Assert.Contains("fleet-3, hall-b", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SensorKeyring_Parse_GroupEqualsKeyPairs()
    {
        Assert.Equal(new Dictionary<string, string> { ["hall-a"] = "k=1", ["hall-b"] = "k2" }, SensorKeyring.Parse(" hall-a=k=1 , hall-b=k2"));
        var e = Assert.Throws<SensorApiRefusedException>(() => SensorKeyring.Parse("hall-a=secret,hall-a=other"));
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WrongApiKey_FailsNamingTheKey()
    {
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.Forbidden, """{"message":"Forbidden"}"""));

        var e = await Assert.ThrowsAsync<SensorApiRefusedException>(() => Client(handler).SendAsync(ThreeReads, CancellationToken.None));

        Assert.Contains("API key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_AnswerMissesARead_FailsInsteadOfGuessing()
    {
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.OK, """{"acceptedReads":[{"index":0},{"index":1}],"rejectedReads":[],"failedReads":[]}"""));

        await Assert.ThrowsAsync<SensorApiRefusedException>(() => Client(handler).SendAsync(ThreeReads, CancellationToken.None));
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_ResendsAll()
    {
        var handler = new ScriptedHandler(_ => throw new HttpRequestException("Connection refused"));

        var outcome = await Client(handler).SendAsync(ThreeReads, CancellationToken.None);

        Assert.Equal([0, 1, 2], outcome.Resend);
    }

    /// <summary>Hall A's sensors in key group hall-a (s03 in a reader fleet of its own), Hall B's in hall-b.</summary>
    private static readonly CampusRegistry Campus = CampusRegistry.Load("""
        {"name":"test","venues":[{"id":"hall-a","name":"Hall A"},{"id":"hall-b","name":"Hall B"}],
         "zones":[{"id":"a","name":"A","venue":"hall-a","floor":"0","kind":"expo","areaSquareMetres":100,"capacity":80},
                  {"id":"b","name":"B","venue":"hall-b","floor":"0","kind":"expo","areaSquareMetres":100,"capacity":80}],
         "sensors":[{"id":"hall-a-s01","zone":"a"},{"id":"hall-a-s02","zone":"a"},{"id":"hall-a-s03","zone":"a","keyGroup":"fleet-3"},
                    {"id":"hall-b-s01","zone":"b"}]}
        """u8);

    private static readonly Dictionary<string, string> Keys = new() { ["hall-a"] = "key-123", ["hall-b"] = "key-456", ["fleet-3"] = "key-789" };

    private static SensorApiClient Client(ScriptedHandler handler, string url = "http://127.0.0.1:3000/") =>
        new(new HttpClient(handler), new Uri(url), new SensorKeyring(Campus, Keys), new SteppingTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)));

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private sealed record SeenRequest(string Url, string? ApiKey, string? ContentType, string Body);

    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<SeenRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new SeenRequest(
                request.RequestUri!.AbsoluteUri,
                request.Headers.TryGetValues("x-api-key", out var keys) ? keys.Single() : null,
                request.Content?.Headers.ContentType?.MediaType,
                request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken)));
            return answer(request);
        }
    }
}
