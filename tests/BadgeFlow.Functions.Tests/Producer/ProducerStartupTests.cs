using System.Text;
using BadgeFlow.Functions.Tests.Transform;
using BadgeFlow.Producer;
using BadgeFlow.Runtime;
using static BadgeFlow.Functions.Tests.Producer.ProducerTestKit;

namespace BadgeFlow.Functions.Tests.Producer;

/// <summary>The Producer's cold start as <c>Main</c> runs it (ProducerStartup), with fakes for SSM and Firehose.</summary>
public sealed class ProducerStartupTests
{
    [Fact]
    public async Task CreateHandlerAsync_KeyFromTheParameter_HashesBadgesWithIt()
    {
        var store = new FakeParameterStore(new Dictionary<string, string> { ["/badgeflow/key"] = Convert.ToBase64String(Key) });
        var firehose = new FakeFirehose();
        var clock = Clock();
        var log = new StringWriter();

        var handler = await ProducerStartup.CreateHandlerAsync(
            Settings(), store, firehose, new JsonLogger(log), TextWriter.Null, clock, CancellationToken.None);
        var response = await handler.HandleAsync(Event("json.json"), Context(clock, TextWriter.Null));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(["/badgeflow/key"], store.Requested);
        Assert.Equal(BadgeHash("BADGE-000123"), Lines(Assert.Single(firehose.Calls))[0].GetProperty("badgeHash").GetString());
        Assert.Contains("Producer ready: stream badge-reads", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateHandlerAsync_KeyTooShort_FailsNamingTheParameterNotTheValue()
    {
        var store = new FakeParameterStore(new Dictionary<string, string> { ["/badgeflow/key"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("short-secret")) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProducerStartup.CreateHandlerAsync(
            Settings(), store, new FakeFirehose(), new JsonLogger(TextWriter.Null), TextWriter.Null, Clock(), CancellationToken.None));

        Assert.Contains("/badgeflow/key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQtc2VjcmV0", error.Message, StringComparison.Ordinal);
    }
}
