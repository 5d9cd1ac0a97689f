using Amazon.Runtime;
using BadgeFlow.Aws.Http;
using BadgeFlow.Testing.Moto;

namespace BadgeFlow.Aws.Tests;

/// <summary>Transports pointed at a test endpoint (moto or a scripted one). Setup and read-back on moto go through
/// BadgeFlow.Testing.Moto.MotoResources (the AWS SDK), not through the code under test.</summary>
internal static class TestAws
{
    public static AwsTransport Transport(Uri endpoint, TimeProvider? time = null, AwsRetryPolicy? retry = null, HttpClient? http = null)
        => new(
            http ?? SharedHttp,
            new BasicAWSCredentials("testing", "testing"),
            MotoServer.Region,
            time ?? TimeProvider.System,
            retry ?? new AwsRetryPolicy { Jitter = () => 0.0 },
            name => name == "AWS_ENDPOINT_URL" ? endpoint.ToString() : null);

    public static readonly HttpClient SharedHttp = AwsTransport.CreateHttpClient();
}
