using BadgeFlow.Aws.Http;
using BadgeFlow.Testing;

namespace BadgeFlow.Aws.Tests;

public sealed class EndpointTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
        => name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ResolveEndpoint_NoOverride_IsTheRegionalHost()
    {
        Assert.Equal(new Uri("https://firehose.eu-west-1.amazonaws.com/"), AwsService.Firehose.ResolveEndpoint("eu-west-1", Env()));
        Assert.Equal(new Uri("https://redshift-data.us-east-2.amazonaws.com/"), AwsService.RedshiftData.ResolveEndpoint("us-east-2", Env()));
        Assert.Equal(new Uri("https://sns.cn-north-1.amazonaws.com.cn/"), AwsService.Sns.ResolveEndpoint("cn-north-1", Env()));
    }

    [Fact]
    public void ResolveEndpoint_GlobalOverride_AppliesToEveryService()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"));
        Assert.Equal(new Uri("http://127.0.0.1:4566/"), AwsService.Ssm.ResolveEndpoint("us-east-1", env));
        Assert.Equal(new Uri("http://127.0.0.1:4566/"), AwsService.Sns.ResolveEndpoint("us-east-1", env));
    }

    [Fact]
    public void ResolveEndpoint_ServiceOverride_WinsOverTheGlobalOne()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"), ("AWS_ENDPOINT_URL_REDSHIFT_DATA", "http://localhost:9000"));
        Assert.Equal(new Uri("http://localhost:9000/"), AwsService.RedshiftData.ResolveEndpoint("us-east-1", env));
        Assert.Equal(new Uri("http://127.0.0.1:4566/"), AwsService.Firehose.ResolveEndpoint("us-east-1", env));
    }

    [Fact]
    public void ResolveEndpoint_MalformedOverride_NamesTheService()
    {
        var error = Assert.Throws<ArgumentException>(() => AwsService.Firehose.ResolveEndpoint("us-east-1", Env(("AWS_ENDPOINT_URL_FIREHOSE", "not a url"))));
        Assert.Contains("Firehose", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Error bodies from tests/fixtures/aws-reference/wire parsed as botocore parses them (expected values: the
/// <c>.expected.json</c> botocore produced, and the wire notes' rules for <c>__type</c>).</summary>
public sealed class ErrorParserTests
{
    [Theory]
    [InlineData("botocore--dynamodb-put-item-error.json", "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded.  Consider increasing your provisioning level with the UpdateTable API")]
    [InlineData("botocore--storagegateway-delete-gateway-error.json", "ValidationException", "1 validation error detected: Value 'foobar' at 'gatewayARN' failed to satisfy constraint: Member must have length greater than or equal to 50")]
    public void ParseJson_ReferenceBody_GivesCodeAfterHashAndMessage(string file, string code, string message)
    {
        var body = File.ReadAllBytes(RepositoryPaths.AwsReference("wire", "json-errors", file));
        var error = AwsErrorParser.ParseJson("Test", 400, body, "rid-1", null);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.ServiceMessage);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("rid-1", error.RequestId);
    }

    [Fact]
    public void ParseJson_TypeWithColonSuffixAndUpperCaseMessage_CutsAtColon()
    {
        var body = """{"__type":"aws.protocoltests#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/","Message":"upper"}"""u8;
        var error = AwsErrorParser.ParseJson("Test", 400, body, null, null);
        Assert.Equal("FooError", error.ErrorCode);
        Assert.Equal("upper", error.ServiceMessage);
    }

    [Fact]
    public void ParseJson_NoTypeAnywhere_FallsBackToStatus()
    {
        var error = AwsErrorParser.ParseJson("Test", 502, "<html>bad gateway</html>"u8, null, null);
        Assert.Equal("502", error.ErrorCode);
    }

    [Fact]
    public void ParseQuery_ReferenceSnsError_MatchesBotocore()
    {
        var body = File.ReadAllBytes(RepositoryPaths.AwsReference("wire", "sns", "botocore--sns-delete-topic-error.xml"));
        var error = AwsErrorParser.ParseQuery("SNS", 400, body, null);
        // botocore--sns-delete-topic-error.expected.json: Code InvalidParameter, Message TopicArn, RequestId 8c4c8aa7-…
        Assert.Equal("InvalidParameter", error.ErrorCode);
        Assert.Equal("TopicArn", error.ServiceMessage);
        Assert.Equal("8c4c8aa7-436b-5b46-91d5-c0a339158557", error.RequestId);
    }

    [Theory]
    [InlineData("ThrottlingException", 400, true)]
    [InlineData("Throttling", 400, true)]
    [InlineData("ProvisionedThroughputExceededException", 400, true)]
    [InlineData("ServiceUnavailableException", 503, true)]
    [InlineData("InternalFailure", 500, true)]
    [InlineData("ValidationException", 400, false)]
    [InlineData("ResourceNotFoundException", 400, false)]
    [InlineData("SomethingElse", 502, true)]
    [InlineData("SlowDown", 429, true)]
    public void IsRetryable_ByCodeAndStatus(string code, int status, bool expected)
        => Assert.Equal(expected, AwsRetryPolicy.IsRetryable(new AwsServiceException("Test", code, "m", status, null)));

    [Fact]
    public void BackoffBefore_FullJitter_IsJitterTimesCappedExponential()
    {
        var policy = new AwsRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(1000), Jitter = () => 0.5 };
        // Ceilings by hand: 100, 200, 400, 800, then capped at 1000; half of each.
        Assert.Equal(TimeSpan.FromMilliseconds(50), policy.BackoffBefore(2));
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.BackoffBefore(3));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.BackoffBefore(4));
        Assert.Equal(TimeSpan.FromMilliseconds(400), policy.BackoffBefore(5));
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.BackoffBefore(6));
    }
}
