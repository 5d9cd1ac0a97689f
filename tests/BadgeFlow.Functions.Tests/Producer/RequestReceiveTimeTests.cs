using System.Text.Json;
using BadgeFlow.Producer;
using BadgeFlow.Runtime.Events;
using static BadgeFlow.Functions.Tests.Producer.ProducerTestKit;

namespace BadgeFlow.Functions.Tests.Producer;

/// <summary>receivedAt is when API Gateway took the request (requestContext.requestTimeEpoch), else the function's clock.</summary>
public sealed class RequestReceiveTimeTests
{
    private readonly StringWriter _log = new();
    private readonly StringWriter _metrics = new();

    [Fact]
    public async Task HandleAsync_RequestTimeEpochEarlierThanTheFunctionClock_LinesCarryTheGatewayReceiveTime()
    {
        // json.json's requestTimeEpoch 1795600860000 is 2026-11-25T10:01:00Z; the function runs 20 s later.
        var firehose = new FakeFirehose();
        var clock = Clock();
        clock.Advance(TimeSpan.FromSeconds(20));

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Event("json.json"), Context(clock, _log));

        Assert.Equal(200, response.StatusCode);
        Assert.All(Lines(Assert.Single(firehose.Calls)), l => Assert.Equal("2026-11-25T10:01:00Z", l.GetProperty("receivedAt").GetString()));
    }

    [Fact]
    public async Task HandleAsync_RequestTimeEpochHoursBehind_TheGatewayTimeDecidesWhichReadsAreTooFarAhead()
    {
        // The local stack's virtual clock: API Gateway received the request at 10:01:00 while the function's clock says
        // 13:00. A read at 10:05 is more than 5 minutes ahead of the receive time, so it is refused; 10:00:05 is taken.
        var firehose = new FakeFirehose();
        var clock = Clock();
        clock.Advance(TimeSpan.FromHours(3));
        var body = "{\"reads\":[{\"sensorId\":\"venetian-l2-expo-a-s01\",\"badgeId\":\"B-1\",\"readAt\":\"2026-11-25T10:00:05Z\"},"
            + "{\"sensorId\":\"venetian-l2-expo-a-s01\",\"badgeId\":\"B-2\",\"readAt\":\"2026-11-25T10:07:00Z\"}]}";

        var response = await Handler(firehose, clock, _metrics).HandleAsync(WithEpoch(Request("application/json", body), 1795600860000), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        var answer = BodyJson(response);
        Assert.Equal([0], Indexes(answer, "acceptedReads"));
        Assert.Equal([1], Indexes(answer, "rejectedReads"));
        Assert.Equal("2026-11-25T10:01:00Z", Assert.Single(Lines(Assert.Single(firehose.Calls))).GetProperty("receivedAt").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(1795600860L)] // seconds, not milliseconds: 1970
    [InlineData(1795600860000L + (25 * 3_600_000L))] // a day and an hour after the function's clock
    [InlineData(long.MaxValue)]
    public void Of_RequestTimeEpochAbsentOrImplausible_TheFunctionClock(long? epoch)
    {
        var clock = Clock();
        clock.Advance(TimeSpan.FromSeconds(3));

        var received = RequestReceiveTime.Of(WithEpoch(Event("json.json"), epoch), clock);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 1, 3, TimeSpan.Zero), received);
    }

    [Fact]
    public void Of_NoRequestContext_TheFunctionClock()
    {
        var clock = Clock();

        Assert.Equal(clock.GetUtcNow(), RequestReceiveTime.Of(Request("application/json", "{}"), clock));
    }

    /// <summary>The request with its requestContext.requestTimeEpoch replaced (removed when null).</summary>
    private static ApiGatewayProxyRequest WithEpoch(ApiGatewayProxyRequest request, long? epoch)
    {
        var json = JsonSerializer.SerializeToNode(request, EventsJsonContext.Default.ApiGatewayProxyRequest)!.AsObject();
        if (json["requestContext"] is null)
        {
            json["requestContext"] = new System.Text.Json.Nodes.JsonObject();
        }

        var context = json["requestContext"]!.AsObject();
        context.Remove("requestTimeEpoch");
        if (epoch is { } value)
        {
            context["requestTimeEpoch"] = value;
        }

        return JsonSerializer.Deserialize(json.ToJsonString(), EventsJsonContext.Default.ApiGatewayProxyRequest)!;
    }
}
