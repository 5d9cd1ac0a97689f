using System.Text;
using BadgeFlow.Local.Tests.Support;

namespace BadgeFlow.Local.Tests.Endpoint;

[Trait("Category", "Integration")]
public sealed class FirehoseCliTests : IClassFixture<EndpointStack>
{
    private readonly EndpointStack _local;

    public FirehoseCliTests(EndpointStack local) => _local = local;

    [Fact]
    public async Task PutRecordAndPutRecordBatch_S3Stream_RecordsArriveInOrderInTheBucketFolder()
    {
        var create = await _local.Cli.RunAsync(
            "firehose", "create-delivery-stream", "--delivery-stream-name", "cli-reads",
            "--extended-s3-destination-configuration",
            """{"RoleARN":"arn:aws:iam::000000000000:role/firehose","BucketARN":"arn:aws:s3:::cli-bucket","Prefix":"reads/","BufferingHints":{"SizeInMBs":1,"IntervalInSeconds":60}}""");
        Assert.Equal("arn:aws:firehose:us-east-1:000000000000:deliverystream/cli-reads", create.GetProperty("DeliveryStreamARN").GetString());

        var put = await _local.Cli.RunAsync("firehose", "put-record", "--delivery-stream-name", "cli-reads", "--record", """{"Data":"first\n"}""");
        Assert.False(string.IsNullOrEmpty(put.GetProperty("RecordId").GetString()));

        var batch = await _local.Cli.RunAsync(
            "firehose", "put-record-batch", "--delivery-stream-name", "cli-reads", "--records", """[{"Data":"second\n"},{"Data":"third\n"}]""");
        Assert.Equal(0, batch.GetProperty("FailedPutCount").GetInt32());
        Assert.Equal(2, batch.GetProperty("RequestResponses").GetArrayLength());

        // 60 s of buffering in virtual time, pushed along.
        await _local.Stack.DrainAsync(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), CancellationToken.None);

        var objects = Directory.GetFiles(Path.Combine(_local.WorkingDirectory, "s3", "cli-bucket", "reads"), "cli-reads-1-*", SearchOption.AllDirectories);
        var delivered = string.Concat(objects.Order(StringComparer.Ordinal).Select(f => File.ReadAllText(f, Encoding.UTF8)));
        Assert.Equal("first\nsecond\nthird\n", delivered);
    }

    [Fact]
    public async Task DescribeAndList_CreatedStream_IsActiveAndListed()
    {
        await _local.Cli.RunAsync(
            "firehose", "create-delivery-stream", "--delivery-stream-name", "cli-described",
            "--extended-s3-destination-configuration", """{"RoleARN":"arn:aws:iam::000000000000:role/firehose","BucketARN":"arn:aws:s3:::described"}""");

        var description = (await _local.Cli.RunAsync("firehose", "describe-delivery-stream", "--delivery-stream-name", "cli-described"))
            .GetProperty("DeliveryStreamDescription");
        Assert.Equal("ACTIVE", description.GetProperty("DeliveryStreamStatus").GetString());
        Assert.Equal("DirectPut", description.GetProperty("DeliveryStreamType").GetString());
        Assert.Equal(
            "arn:aws:s3:::described",
            description.GetProperty("Destinations")[0].GetProperty("ExtendedS3DestinationDescription").GetProperty("BucketARN").GetString());

        var names = (await _local.Cli.RunAsync("firehose", "list-delivery-streams", "--limit", "100")).GetProperty("DeliveryStreamNames")
            .EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("cli-described", names);

        await _local.Cli.RunAsync("firehose", "delete-delivery-stream", "--delivery-stream-name", "cli-described");
        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("firehose", "describe-delivery-stream", "--delivery-stream-name", "cli-described");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ResourceNotFoundException", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRecord_UnknownStream_ResourceNotFoundException()
    {
        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("firehose", "put-record", "--delivery-stream-name", "no-such-stream", "--record", """{"Data":"x"}""");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ResourceNotFoundException", stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-stream", stderr, StringComparison.Ordinal);
    }
}
