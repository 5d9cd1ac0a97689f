using System.Collections.Concurrent;
using System.Text.Json;
using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace BadgeFlow.Local.Tests.Endpoint;

[Trait("Category", "Integration")]
public sealed class SnsCliTests : IClassFixture<EndpointStack>
{
    private readonly EndpointStack _local;

    public SnsCliTests(EndpointStack local) => _local = local;

    [Fact]
    public async Task Publish_JsonStructureToFileSubscriber_AppendsTheEnvelopeWithTheHttpsEntryAndAttributes()
    {
        var topicArn = (await _local.Cli.RunAsync("sns", "create-topic", "--name", "cli-reports")).GetProperty("TopicArn").GetString()!;
        Assert.Equal("arn:aws:sns:us-east-1:000000000000:cli-reports", topicArn);
        var file = Path.Combine(_local.WorkingDirectory, "sns", "cli-reports.ndjson");
        var subscriptionArn = (await _local.Cli.RunAsync("sns", "subscribe", "--topic-arn", topicArn, "--protocol", "file", "--notification-endpoint", file))
            .GetProperty("SubscriptionArn").GetString()!;
        Assert.StartsWith(topicArn + ":", subscriptionArn, StringComparison.Ordinal);

        var messageId = (await _local.Cli.RunAsync(
            "sns", "publish", "--topic-arn", topicArn, "--subject", "WARNING Hall A",
            "--message-structure", "json", "--message", """{"default":"plain text","https":"{\"zone\":\"hall-a\"}"}""",
            "--message-attributes", """{"severity":{"DataType":"String","StringValue":"WARNING"},"max_utilisation":{"DataType":"Number","StringValue":"0.91"}}"""))
            .GetProperty("MessageId").GetString();

        var line = Assert.Single(await File.ReadAllLinesAsync(file));
        using var envelope = JsonDocument.Parse(line);
        var root = envelope.RootElement;
        Assert.Equal("Notification", root.GetProperty("Type").GetString());
        Assert.Equal(messageId, root.GetProperty("MessageId").GetString());
        Assert.Equal(topicArn, root.GetProperty("TopicArn").GetString());
        Assert.Equal("WARNING Hall A", root.GetProperty("Subject").GetString());
        Assert.Equal("""{"zone":"hall-a"}""", root.GetProperty("Message").GetString());
        Assert.Equal("String", root.GetProperty("MessageAttributes").GetProperty("severity").GetProperty("Type").GetString());
        Assert.Equal("WARNING", root.GetProperty("MessageAttributes").GetProperty("severity").GetProperty("Value").GetString());
        Assert.Equal("0.91", root.GetProperty("MessageAttributes").GetProperty("max_utilisation").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task Publish_HttpSubscriber_PostsTheNotificationWithTheDefaultEntry()
    {
        var received = new BlockingCollection<(string Type, string Body)>();
        await using var receiver = await LoopbackServer.StartAsync(
            0,
            async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                received.Add((context.Request.Headers["x-amz-sns-message-type"].ToString(), await reader.ReadToEndAsync()));
                context.Response.StatusCode = StatusCodes.Status200OK;
            },
            NullLoggerFactory.Instance,
            CancellationToken.None);
        var topicArn = (await _local.Cli.RunAsync("sns", "create-topic", "--name", "cli-http")).GetProperty("TopicArn").GetString()!;
        await _local.Cli.RunAsync("sns", "subscribe", "--topic-arn", topicArn, "--protocol", "http", "--notification-endpoint", new Uri(receiver.BaseUri, "hook").ToString());

        await _local.Cli.RunAsync("sns", "publish", "--topic-arn", topicArn, "--message-structure", "json", "--message", """{"default":"for everyone","sms":"short"}""");

        Assert.True(received.TryTake(out var delivery, TimeSpan.FromSeconds(10)), "No notification reached the http subscriber.");
        Assert.Equal("Notification", delivery.Type);
        using var envelope = JsonDocument.Parse(delivery.Body);
        Assert.Equal("for everyone", envelope.RootElement.GetProperty("Message").GetString());
    }

    [Fact]
    public async Task ListTopicsAndSubscriptions_AfterSubscribe_ShowTheSubscription()
    {
        var topicArn = (await _local.Cli.RunAsync("sns", "create-topic", "--name", "cli-listed")).GetProperty("TopicArn").GetString()!;
        await _local.Cli.RunAsync("sns", "subscribe", "--topic-arn", topicArn, "--protocol", "email", "--notification-endpoint", "security@example.com");

        var topics = (await _local.Cli.RunAsync("sns", "list-topics")).GetProperty("Topics").EnumerateArray().Select(t => t.GetProperty("TopicArn").GetString()).ToList();
        Assert.Contains(topicArn, topics);
        var subscription = Assert.Single((await _local.Cli.RunAsync("sns", "list-subscriptions-by-topic", "--topic-arn", topicArn)).GetProperty("Subscriptions").EnumerateArray());
        Assert.Equal("email", subscription.GetProperty("Protocol").GetString());
        Assert.Equal("security@example.com", subscription.GetProperty("Endpoint").GetString());
    }

    [Fact]
    public async Task Publish_JsonStructureWithoutDefault_InvalidParameter()
    {
        var topicArn = (await _local.Cli.RunAsync("sns", "create-topic", "--name", "cli-invalid")).GetProperty("TopicArn").GetString()!;

        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("sns", "publish", "--topic-arn", topicArn, "--message-structure", "json", "--message", """{"email":"x"}""");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("InvalidParameter", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteTopic_UnknownTopic_NotFound()
    {
        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("sns", "delete-topic", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:never-created");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("NotFound", stderr, StringComparison.Ordinal);
    }
}
