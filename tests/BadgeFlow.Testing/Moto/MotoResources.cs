using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace BadgeFlow.Testing.Moto;

/// <summary>Test-side setup and read-back on a <see cref="MotoServer"/>: S3 buckets and objects, Firehose delivery
/// streams with an S3 destination, SSM parameters. Independent of the code under test: plain HTTP with an
/// Authorization header whose credential scope only tells moto which service is meant (moto does not check
/// signatures).</summary>
public sealed class MotoResources : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly Uri _url;

    public MotoResources(MotoServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _url = server.Url;
    }

    public async Task CreateBucketAsync(string bucket)
    {
        using var request = Request(HttpMethod.Put, bucket, "s3");
        await SendAsync(request);
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix = "")
    {
        using var request = Request(HttpMethod.Get, $"{bucket}?list-type=2&max-keys=1000&prefix={Uri.EscapeDataString(prefix)}", "s3");
        var xml = Encoding.UTF8.GetString(await SendAsync(request));
        return [.. XDocument.Parse(xml).Descendants().Where(e => e.Name.LocalName == "Key").Select(e => e.Value).Order(StringComparer.Ordinal)];
    }

    public async Task<byte[]> GetObjectAsync(string bucket, string key)
    {
        using var request = Request(HttpMethod.Get, $"{bucket}/{key}", "s3");
        return await SendAsync(request);
    }

    /// <summary>Every object under the prefix, concatenated in key order.</summary>
    public async Task<IReadOnlyList<byte[]>> GetObjectsAsync(string bucket, string prefix = "")
    {
        var objects = new List<byte[]>();
        foreach (var key in await ListKeysAsync(bucket, prefix))
        {
            objects.Add(await GetObjectAsync(bucket, key));
        }

        return objects;
    }

    public Task CreateS3DeliveryStreamAsync(string stream, string bucket, string prefix) => JsonAsync("firehose", "Firehose_20150804.CreateDeliveryStream", $$"""
        {"DeliveryStreamName":"{{stream}}","DeliveryStreamType":"DirectPut",
         "ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::{{MotoServer.AccountId}}:role/firehose-delivery",
           "BucketARN":"arn:aws:s3:::{{bucket}}","Prefix":"{{prefix}}"} }
        """);

    public Task PutSecureStringAsync(string name, string value) => JsonAsync("ssm", "AmazonSSM.PutParameter",
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Name"] = name, ["Value"] = value, ["Type"] = "SecureString", ["Overwrite"] = true }));

    public void Dispose() => _http.Dispose();

    private async Task JsonAsync(string service, string target, string body)
    {
        using var request = Request(HttpMethod.Post, string.Empty, service);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        await SendAsync(request);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string service)
    {
        var request = new HttpRequestMessage(method, new Uri(_url, path));
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
