using System.Text;
using System.Text.Json;
using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Testing.Moto;

namespace BadgeFlow.Aws.Tests;

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto_server";
}

/// <summary>Every client operation against moto_server, a peer nobody here wrote. Expected values come from what moto
/// stored (S3 objects, SQS messages) or from moto's documented fixed answers.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MotoClientTests(MotoServerFixture moto)
{
    private Uri Url => moto.Server.Url;

    /// <summary>Setup and read-back through moto's own clients (the AWS SDK), independent of the clients under test.</summary>
    private MotoResources Resources() => new(moto.Server);

    [Fact]
    public async Task PutRecordBatch_S3Destination_DeliversTheRecordsBytesInOrder()
    {
        var transport = TestAws.Transport(Url);
        using var resources = Resources();
        await resources.CreateBucketAsync("batch-bucket");
        await resources.CreateS3DeliveryStreamAsync("batch-stream", "batch-bucket", "reads/");
        var firehose = new FirehoseClient(transport);
        ReadOnlyMemory<byte>[] records = [Encoding.UTF8.GetBytes("{\"a\":1}\n"), Encoding.UTF8.GetBytes("{\"a\":2}\n"), new byte[] { 0, 255, 10 }];

        var result = await firehose.PutRecordBatchAsync("batch-stream", records, CancellationToken.None);

        Assert.Equal(0, result.FailedPutCount);
        Assert.Equal(3, result.Entries.Count);
        Assert.All(result.Entries, e => Assert.False(string.IsNullOrEmpty(e.RecordId)));
        var key = Assert.Single(await resources.ListKeysAsync("batch-bucket", "reads/"));
        Assert.StartsWith("reads/", key, StringComparison.Ordinal);
        var delivered = await resources.GetObjectAsync("batch-bucket", key);
        Assert.Equal(records.SelectMany(r => r.ToArray()).ToArray(), delivered);
    }

    [Fact]
    public async Task PutRecord_S3Destination_DeliversTheRecord()
    {
        var transport = TestAws.Transport(Url);
        using var resources = Resources();
        await resources.CreateBucketAsync("single-bucket");
        await resources.CreateS3DeliveryStreamAsync("single-stream", "single-bucket", "one/");

        var recordId = await new FirehoseClient(transport).PutRecordAsync("single-stream", Encoding.UTF8.GetBytes("hello\n"), CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(recordId));
        var key = Assert.Single(await resources.ListKeysAsync("single-bucket", "one/"));
        Assert.Equal("hello\n", Encoding.UTF8.GetString(await resources.GetObjectAsync("single-bucket", key)));
    }

    [Fact]
    public async Task PutRecordBatch_UnknownStream_ThrowsResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            new FirehoseClient(TestAws.Transport(Url)).PutRecordBatchAsync("no-such-stream", [new byte[] { 1 }], CancellationToken.None));
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task GetSecureString_SecureStringParameter_ReturnsTheDecryptedValue()
    {
        var transport = TestAws.Transport(Url);
        using (var resources = Resources())
        {
            await resources.PutSecureStringAsync("/badgeflow/test/key", "c2VjcmV0LWtleS1tYXRlcmlhbC0zMi1ieXRlcy1sb25nIQ==");
        }
        var value = await new SsmParameterStore(transport).GetSecureStringAsync("/badgeflow/test/key", CancellationToken.None);

        Assert.Equal("c2VjcmV0LWtleS1tYXRlcmlhbC0zMi1ieXRlcy1sb25nIQ==", value);
    }

    [Fact]
    public async Task GetSecureString_MissingParameter_ThrowsParameterNotFound()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            new SsmParameterStore(TestAws.Transport(Url)).GetSecureStringAsync("/badgeflow/missing", CancellationToken.None));
        Assert.Equal("ParameterNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task Publish_TopicWithSqsSubscriber_DeliversMessageSubjectAndAttributes()
    {
        var transport = TestAws.Transport(Url);
        using var resources = Resources();
        var (topicArn, queueUrl) = await resources.CreateTopicWithQueueAsync("density-reports");
        var message = """{"default":"Zone A at 91 % & rising","sms":"WARNING A 91%"}""";

        var messageId = await new SnsClient(transport).PublishAsync(
            new PublishRequest(topicArn, message, "WARNING 10:00 Hall A+B", "json", new Dictionary<string, MessageAttributeValue>
            {
                ["severity"] = new("String", "WARNING"),
                ["max_utilisation"] = new("Number", "0.91"),
            }),
            CancellationToken.None);

        using var envelope = JsonDocument.Parse(Assert.Single(await resources.ReceiveMessageBodiesAsync(queueUrl)));
        var root = envelope.RootElement;
        Assert.Equal(messageId, root.GetProperty("MessageId").GetString());
        // MessageStructure=json: an SQS subscriber gets the "default" text (no "sqs" key in the message).
        Assert.Equal("Zone A at 91 % & rising", root.GetProperty("Message").GetString());
        Assert.Equal("WARNING 10:00 Hall A+B", root.GetProperty("Subject").GetString());
        Assert.Equal("WARNING", root.GetProperty("MessageAttributes").GetProperty("severity").GetProperty("Value").GetString());
        Assert.Equal("0.91", root.GetProperty("MessageAttributes").GetProperty("max_utilisation").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task Publish_UnknownTopic_ThrowsNotFoundFromTheQueryErrorBody()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => new SnsClient(TestAws.Transport(Url)).PublishAsync(
            new PublishRequest($"arn:aws:sns:{MotoServer.Region}:{MotoServer.AccountId}:nope", "m", null, null, new Dictionary<string, MessageAttributeValue>()),
            CancellationToken.None));
        Assert.Equal("NotFound", error.ErrorCode);
        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task ExecuteDescribeResultCancel_Moto_FollowTheStatementLifecycle()
    {
        var client = new RedshiftDataClient(TestAws.Transport(Url));
        var target = new RedshiftTarget("dev", null, "badgeflow-cluster", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rs", null);

        var id = await client.ExecuteStatementAsync(
            new StatementRequest(target, "SELECT zone_id FROM badge_reads WHERE read_at >= :window_start", [new SqlParameter("window_start", "2026-11-25 10:00:00")]),
            CancellationToken.None);
        Assert.Matches("^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}$", id);

        var described = await client.DescribeStatementAsync(id, CancellationToken.None);
        Assert.Equal(id, described.Id);
        Assert.Equal(StatementStatus.Started, described.Status); // moto leaves statements STARTED
        Assert.Equal(-1, described.ResultRows);

        // moto answers every GetStatementResult with its fixed three rows (moto/redshiftdata/models.py).
        var page = await client.GetStatementResultAsync(id, null, CancellationToken.None);
        Assert.Equal(["Number", "Street", "City"], page.Columns.Select(c => c.Name));
        Assert.Equal(3, page.Records.Count);
        Assert.Equal(10, page.Records[0][0].LongValue);
        Assert.Equal("Alpha st", page.Records[0][1].StringValue);
        Assert.Equal("Seattle", page.Records[2][2].StringValue);
        Assert.Null(page.NextToken);

        Assert.True(await client.CancelStatementAsync(id, CancellationToken.None));
        Assert.Equal(StatementStatus.Aborted, (await client.DescribeStatementAsync(id, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task DescribeStatement_UnknownId_ThrowsResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            new RedshiftDataClient(TestAws.Transport(Url)).DescribeStatementAsync("00000000-0000-0000-0000-000000000000", CancellationToken.None));
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
    }
}
