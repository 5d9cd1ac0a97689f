using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using BadgeFlow.Aws.Http;
using BadgeFlow.Testing.Moto;

namespace BadgeFlow.Aws.Tests;

/// <summary>Transports pointed at a test endpoint (moto or a scripted one), and the setup calls the tests make on moto
/// (S3 buckets, Firehose streams, SSM parameters, SNS topics with SQS subscribers).</summary>
internal static class TestAws
{
    public static readonly AwsService Sqs = new("SQS", "sqs", "sqs", "SQS", AwsProtocol.Query);

    public static AwsTransport Transport(Uri endpoint, TimeProvider? time = null, AwsRetryPolicy? retry = null, HttpClient? http = null)
        => new(
            http ?? SharedHttp,
            new BasicAWSCredentials("testing", "testing"),
            MotoServer.Region,
            time ?? TimeProvider.System,
            retry ?? new AwsRetryPolicy { Jitter = () => 0.0 },
            name => name == "AWS_ENDPOINT_URL" ? endpoint.ToString() : null);

    public static readonly HttpClient SharedHttp = AwsTransport.CreateHttpClient();

    public static async Task CreateBucketAsync(Uri moto, string bucket)
    {
        using var response = await SharedHttp.PutAsync(new Uri(moto, bucket), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Keys under <paramref name="prefix"/> (S3 ListObjectsV2, read from moto's XML).</summary>
    public static async Task<IReadOnlyList<string>> ListKeysAsync(Uri moto, string bucket, string prefix)
    {
        var xml = await SharedHttp.GetStringAsync(new Uri(moto, $"{bucket}?list-type=2&prefix={Uri.EscapeDataString(prefix)}"));
        return [.. XDocument.Parse(xml).Descendants().Where(e => e.Name.LocalName == "Key").Select(e => e.Value).Order(StringComparer.Ordinal)];
    }

    /// <summary>S3 GetObject, signed (moto refuses anonymous reads of a private bucket).</summary>
    public static async Task<byte[]> GetObjectAsync(Uri moto, string bucket, string key)
    {
        var uri = new Uri(moto, $"{bucket}/{key}");
        var signed = AWSSigV4Signer.Sign(
            new AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = uri, Content = [] },
            new AWSSigV4Parameters { Credentials = new BasicAWSCredentials("testing", "testing"), Region = Amazon.RegionEndpoint.USEast1, Service = "s3", SignPayload = true });
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        foreach (var (name, value) in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await SharedHttp.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"S3 GET {key}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
    }

    public static async Task CreateS3DeliveryStreamAsync(AwsTransport transport, string stream, string bucket, string prefix)
    {
        var body = $$"""
            {"DeliveryStreamName":"{{stream}}","DeliveryStreamType":"DirectPut",
             "ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::{{MotoServer.AccountId}}:role/firehose-delivery",
               "BucketARN":"arn:aws:s3:::{{bucket}}","Prefix":"{{prefix}}",
               "BufferingHints":{"SizeInMBs":1,"IntervalInSeconds":60} } }
            """;
        await transport.SendJsonAsync(new AwsAction(AwsService.Firehose, "CreateDeliveryStream"), Encoding.UTF8.GetBytes(body), null, CancellationToken.None);
    }

    public static async Task PutSecureStringAsync(AwsTransport transport, string name, string value)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["Name"] = name, ["Value"] = value, ["Type"] = "SecureString", ["Overwrite"] = true });
        await transport.SendJsonAsync(new AwsAction(AwsService.Ssm, "PutParameter"), Encoding.UTF8.GetBytes(body), null, CancellationToken.None);
    }

    /// <summary>Sends a query action and returns the XML answer.</summary>
    public static async Task<XDocument> QueryAsync(AwsTransport transport, AwsService service, string action, string version, params (string Name, string Value)[] parameters)
    {
        var form = string.Join("&", new[] { ("Action", action), ("Version", version) }.Concat(parameters)
            .Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
        var response = await transport.SendQueryAsync(service, Encoding.UTF8.GetBytes(form), null, CancellationToken.None);
        return XDocument.Parse(Encoding.UTF8.GetString(response.Body));
    }

    public static string Element(XDocument xml, string localName)
        => xml.Descendants().First(e => e.Name.LocalName == localName).Value;
}
