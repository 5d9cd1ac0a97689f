using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.Tests.Support;

namespace BadgeFlow.Local.Tests.Endpoint;

public sealed class LocalFoldersTests
{
    [Theory]
    [InlineData("badgeflow-local-staging", true)]
    [InlineData("cli-bucket", true)]
    [InlineData("a.b-c1", true)]
    [InlineData("ab", false)]
    [InlineData("/tmp/x", false)]
    [InlineData("..", false)]
    [InlineData("a..b", false)]
    [InlineData("Upper", false)]
    [InlineData("under_score", false)]
    [InlineData("-leading", false)]
    [InlineData("trailing.", false)]
    [InlineData("192.168.5.4", false)]
    [InlineData("xn--bucket", false)]
    [InlineData("bucket-s3alias", false)]
    public void IsValidBucketName_Name_FollowsS3Rules(string name, bool valid) =>
        Assert.Equal(valid, LocalFolders.IsValidBucketName(name));

    [Theory]
    [InlineData("staging/", "/work/root/staging")]
    [InlineData("", "/work/root")]
    [InlineData("/work/root/sns/reports.ndjson", "/work/root/sns/reports.ndjson")]
    [InlineData("../x", null)]
    [InlineData("a/../../x", null)]
    [InlineData("/tmp/x", null)]
    [InlineData("/work/rootkit/x", null)]
    public void Confine_Path_StaysUnderTheRoot(string path, string? expected) =>
        Assert.Equal(expected, LocalFolders.Confine("/work/root", path)?.TrimEnd('/'));

    [Theory]
    [InlineData("127.0.0.1:4566", true)]
    [InlineData("127.5.6.7", true)]
    [InlineData("localhost:3000", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("[::1]:4566", true)]
    [InlineData("attacker.example:4566", false)]
    [InlineData("127.0.0.1.attacker.example", false)]
    [InlineData("10.0.0.1:4566", false)]
    [InlineData("", false)]
    public void IsLoopbackHost_Host_AcceptsLoopbackNamesOnly(string host, bool loopback) =>
        Assert.Equal(loopback, LocalFolders.IsLoopbackHost(host));
}

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
