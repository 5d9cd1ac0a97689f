using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace BadgeFlow.Testing.Moto;

/// <summary>Test-side setup and read-back on a <see cref="MotoServer"/>, through a client independent of the code under
/// test: the AWS SDK for S3 (buckets, objects), SSM (parameters) and SQS (a report topic's subscriber queue). Firehose
/// and SNS have no SDK package served here, so their two setup calls (CreateDeliveryStream, CreateTopic + Subscribe)
/// are written by hand below, and nowhere else; moto does not check signatures, so their Authorization header only names
/// the service.</summary>
public sealed class MotoResources : IDisposable
{
    private static readonly BasicAWSCredentials Credentials = new("testing", "testing");

    private readonly Uri _url;
    private readonly AmazonS3Client _s3;
    private readonly AmazonSimpleSystemsManagementClient _ssm;
    private readonly AmazonSQSClient _sqs;
    private readonly HttpClient _http = new();

    public MotoResources(MotoServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _url = server.Url;
        var serviceUrl = server.Url.ToString();
        _s3 = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = serviceUrl, ForcePathStyle = true, AuthenticationRegion = MotoServer.Region });
        _ssm = new AmazonSimpleSystemsManagementClient(Credentials, new AmazonSimpleSystemsManagementConfig { ServiceURL = serviceUrl, AuthenticationRegion = MotoServer.Region });
        _sqs = new AmazonSQSClient(Credentials, new AmazonSQSConfig { ServiceURL = serviceUrl, AuthenticationRegion = MotoServer.Region });
    }

    public async Task CreateBucketAsync(string bucket) => await _s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

    /// <summary>Keys under <paramref name="prefix"/>, in ordinal order (every page of ListObjectsV2).</summary>
    public async Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix = "")
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await _s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    public async Task<byte[]> GetObjectAsync(string bucket, string key)
    {
        using var response = await _s3.GetObjectAsync(bucket, key);
        using var body = new MemoryStream();
        await response.ResponseStream.CopyToAsync(body);
        return body.ToArray();
    }

    /// <summary>Every object under the prefix, in key order.</summary>
    public async Task<IReadOnlyList<byte[]>> GetObjectsAsync(string bucket, string prefix = "")
    {
        var objects = new List<byte[]>();
        foreach (var key in await ListKeysAsync(bucket, prefix))
        {
            objects.Add(await GetObjectAsync(bucket, key));
        }

        return objects;
    }

    /// <summary>Makes moto load its SSM backend (slow the first time: it reads its default parameters) under the SDK's
    /// own patient timeouts, so a test's first SSM call through the 5-second client under test does not pay for it.</summary>
    public async Task WarmUpSsmAsync() => await _ssm.DescribeParametersAsync(new DescribeParametersRequest { MaxResults = 1 });

    public async Task PutSecureStringAsync(string name, string value) =>
        await _ssm.PutParameterAsync(new PutParameterRequest { Name = name, Value = value, Type = ParameterType.SecureString, Overwrite = true });

    /// <summary>A DirectPut delivery stream writing to <paramref name="bucket"/> under <paramref name="prefix"/>
    /// (Firehose: by hand, see the class summary).</summary>
    public async Task CreateS3DeliveryStreamAsync(string stream, string bucket, string prefix)
    {
        var body = $$"""
            {"DeliveryStreamName":"{{stream}}","DeliveryStreamType":"DirectPut",
             "ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::{{MotoServer.AccountId}}:role/firehose-delivery",
               "BucketARN":"arn:aws:s3:::{{bucket}}","Prefix":"{{prefix}}"} }
            """;
        using var request = HandBuilt(HttpMethod.Post, "firehose");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Firehose_20150804.CreateDeliveryStream");
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        await SendAsync(request);
    }

    /// <summary>An SNS topic with an SQS queue subscribed to it, for reading back what a function published (SNS: by
    /// hand, see the class summary; the queue through the SDK).</summary>
    public async Task<(string TopicArn, string QueueUrl)> CreateTopicWithQueueAsync(string name)
    {
        var topicArn = Element(await SnsAsync(("Action", "CreateTopic"), ("Name", name)), "TopicArn");
        var queueUrl = (await _sqs.CreateQueueAsync(name + "-inbox")).QueueUrl;
        var queueArn = (await _sqs.GetQueueAttributesAsync(queueUrl, ["QueueArn"])).Attributes["QueueArn"];
        await SnsAsync(("Action", "Subscribe"), ("TopicArn", topicArn), ("Protocol", "sqs"), ("Endpoint", queueArn));
        return (topicArn, queueUrl);
    }

    /// <summary>The bodies of the messages waiting in the queue (up to ten, one receive).</summary>
    public async Task<IReadOnlyList<string>> ReceiveMessageBodiesAsync(string queueUrl)
    {
        var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10 });
        return [.. (response.Messages ?? []).Select(m => m.Body)];
    }

    public void Dispose()
    {
        _s3.Dispose();
        _ssm.Dispose();
        _sqs.Dispose();
        _http.Dispose();
    }

    private async Task<XDocument> SnsAsync(params (string Name, string Value)[] parameters)
    {
        using var request = HandBuilt(HttpMethod.Post, "sns");
        request.Content = new FormUrlEncodedContent(
            parameters.Append(("Version", "2010-03-31")).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
        return XDocument.Parse(Encoding.UTF8.GetString(await SendAsync(request)));
    }

    private static string Element(XDocument document, string localName) =>
        document.Descendants().First(e => e.Name.LocalName == localName).Value;

    private HttpRequestMessage HandBuilt(HttpMethod method, string service)
    {
        var request = new HttpRequestMessage(method, _url);
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential=testing/20261125/{MotoServer.Region}/{service}/aws4_request, SignedHeaders=host, Signature=0");
        return request;
    }

    private async Task<byte[]> SendAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode
            ? body
            : throw new InvalidOperationException($"moto answered {(int)response.StatusCode} to {request.Method} {request.RequestUri}: {Encoding.UTF8.GetString(body)}");
    }
}
