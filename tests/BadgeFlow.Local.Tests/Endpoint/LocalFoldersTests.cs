using BadgeFlow.Local.Endpoint;

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
