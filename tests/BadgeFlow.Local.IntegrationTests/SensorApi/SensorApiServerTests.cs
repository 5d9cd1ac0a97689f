using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.SensorApi;
using BadgeFlow.Local.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace BadgeFlow.Local.Tests.SensorApi;

[Trait("Category", "Integration")]
public sealed class SensorApiServerTests : IAsyncLifetime
{
    private const string Key = "k3y-for-tests";
    private const string OtherKey = "another-k3y";

    private readonly ScriptedFunctions _functions = new();
    private readonly PipelineCounters _counters = new();
    private readonly HttpClient _http = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        var api = new SensorApiServer(
            new SensorApiSettings([new IssuedApiKey("hall-b", "id-b", OtherKey), new IssuedApiKey("hall-a", "id-a", Key)], "Producer", "000000000000", TimeSpan.FromSeconds(29)),
            _functions, _counters, TimeProvider.System, NullLogger<SensorApiServer>.Instance);
        _server = await LoopbackServer.StartAsync(0, api.HandleAsync, NullLoggerFactory.Instance, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task PostReads_WithoutApiKey_Forbidden403AndProducerNotInvoked()
    {
        using var response = await _http.PostAsync(new Uri(_server.BaseUri, "reads"), new StringContent("""{"reads":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"message":"Forbidden"}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(_functions.Payloads);
        Assert.Equal(1, _counters.Snapshot().ApiRequestsByStatus[403]);
    }

    [Fact]
    public async Task PostReads_WrongApiKey_Forbidden403()
    {
        using var request = Reads("""{"reads":[]}""", "application/json", "not-the-key");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_functions.Payloads);
    }

    [Fact]
    public async Task GetReads_NoSuchMethod_MissingAuthenticationToken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseUri, "reads"));
        request.Headers.Add("x-api-key", Key);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"message":"Missing Authentication Token"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostReads_WithApiKey_ProducerGetsARestProxyEventAndItsResponseIsReturned()
    {
        _functions.Answer(_ => ScriptedFunctions.Ok(
            """{"statusCode":207,"headers":{"Content-Type":"application/json","X-Reads":"2"},"multiValueHeaders":{"X-Multi":["a","b"]},"body":"{\"accepted\":2}","isBase64Encoded":false}"""));
        const string body = "{\"reads\":[{\"sensorId\":\"s-1\"}]}";
        using var request = Reads(body, "application/json", Key);
        request.Headers.Add("X-Trace", ["one", "two"]);

        using var response = await _http.SendAsync(request);

        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        Assert.Equal("{\"accepted\":2}", await response.Content.ReadAsStringAsync());
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Reads")));
        Assert.Equal(["a", "b"], response.Headers.GetValues("X-Multi").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToArray());

        Assert.True(_functions.Payloads.TryPeek(out var payload));
        using var proxyEvent = JsonDocument.Parse(payload);
        var root = proxyEvent.RootElement;
        Assert.Equal("POST", root.GetProperty("httpMethod").GetString());
        Assert.Equal("/reads", root.GetProperty("resource").GetString());
        Assert.Equal("/reads", root.GetProperty("path").GetString());
        Assert.Equal(body, root.GetProperty("body").GetString());
        Assert.False(root.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Key, root.GetProperty("headers").GetProperty("x-api-key").GetString());
        Assert.Equal("application/json; charset=utf-8", root.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal(["one", "two"], root.GetProperty("multiValueHeaders").GetProperty("X-Trace").EnumerateArray().Select(v => v.GetString()!)
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToArray());
        var context = root.GetProperty("requestContext");
        Assert.Equal(Key, context.GetProperty("identity").GetProperty("apiKey").GetString());
        Assert.Equal("id-a", context.GetProperty("identity").GetProperty("apiKeyId").GetString()); // the id of the key presented
        Assert.Equal("127.0.0.1", context.GetProperty("identity").GetProperty("sourceIp").GetString());
        Assert.Equal("/reads", context.GetProperty("resourcePath").GetString());
        Assert.Equal("POST", context.GetProperty("httpMethod").GetString());
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), context.GetProperty("requestId").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("queryStringParameters").ValueKind);
    }

    [Fact]
    public async Task PostReads_GzipBody_PassedBase64Encoded()
    {
        _functions.Answer(_ => ScriptedFunctions.Ok("""{"statusCode":202,"body":""}"""));
        var raw = Encoding.UTF8.GetBytes("s-1,badge,2026-11-25T10:00:00Z\n");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(raw);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.BaseUri, "reads")) { Content = new ByteArrayContent(compressed.ToArray()) };
        request.Content.Headers.ContentType = new("text/csv");
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Add("x-api-key", Key);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(_functions.Payloads.TryPeek(out var payload));
        using var proxyEvent = JsonDocument.Parse(payload);
        Assert.True(proxyEvent.RootElement.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Convert.ToBase64String(compressed.ToArray()), proxyEvent.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task PostReads_ProducerFails_BadGateway502LikeApiGateway()
    {
        _functions.Answer(_ => ScriptedFunctions.Error("Runtime.ExitError"));
        using var request = Reads("{}", "application/json", Key);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"message":"Internal server error"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostReads_ProducerTimesOut_GatewayTimeout504()
    {
        _functions.Answer(_ => ScriptedFunctions.Error("Sandbox.Timedout"));
        using var request = Reads("{}", "application/json", Key);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("""{"message":"Endpoint request timed out"}""", await response.Content.ReadAsStringAsync());
    }

    private HttpRequestMessage Reads(string body, string contentType, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.BaseUri, "reads")) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        return request;
    }
}
