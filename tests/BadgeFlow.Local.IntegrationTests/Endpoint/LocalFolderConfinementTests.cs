using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.Tests.Support;

namespace BadgeFlow.Local.Tests.Endpoint;

[Trait("Category", "Integration")]
public sealed class LocalFolderConfinementTests : IClassFixture<EndpointStack>
{
    private readonly EndpointStack _local;

    public LocalFolderConfinementTests(EndpointStack local) => _local = local;

    [Theory]
    [InlineData("arn:aws:s3:::/tmp/badgeflow-escape", "reads/")]
    [InlineData("arn:aws:s3:::..", "reads/")]
    [InlineData("arn:aws:s3:::cli-bucket", "../../../badgeflow-escape/")]
    [InlineData("arn:aws:s3:::cli-bucket", "/tmp/badgeflow-escape/")]
    public async Task CreateDeliveryStream_DestinationOutsideTheWorkingDirectory_Answers400AndWritesNothing(string bucketArn, string prefix)
    {
        var before = Snapshot();
        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync(
            "firehose", "create-delivery-stream", "--delivery-stream-name", "escape-" + Math.Abs(HashCode.Combine(bucketArn, prefix) % 100000),
            "--extended-s3-destination-configuration",
            $$"""{"RoleARN":"arn:aws:iam::000000000000:role/firehose","BucketARN":"{{bucketArn}}","Prefix":"{{prefix}}"}""");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("InvalidArgumentException", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/tmp/badgeflow-escape"));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Subscribe_FileEndpointOutsideTheWorkingDirectory_Answers400InvalidParameter()
    {
        var topicArn = (await _local.Cli.RunAsync("sns", "create-topic", "--name", "escape-topic")).GetProperty("TopicArn").GetString()!;

        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync(
            "sns", "subscribe", "--topic-arn", topicArn, "--protocol", "file", "--notification-endpoint", "/tmp/badgeflow-escape.ndjson");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("InvalidParameter", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyRequest_HostNotLoopback_Answers403()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _local.Stack.EndpointUrl);
        request.Headers.Host = "rebound.attacker.example";
        request.Content = new StringContent("{}");

        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("loopback host names only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private string[] Snapshot() =>
        [.. Directory.GetFileSystemEntries(Path.GetDirectoryName(_local.WorkingDirectory)!, "*", SearchOption.TopDirectoryOnly).Where(p => p.Contains("badgeflow-escape", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
}
