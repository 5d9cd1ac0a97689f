using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using BadgeFlow.Testing;

namespace BadgeFlow.Aws.Tests;

/// <summary>The signer the clients use (AWSSDK.Core's AWSSigV4Signer, signing the payload hash as our transport does)
/// against the published SigV4 test vectors (aws-c-auth suite) whose canonical requests carry x-amz-content-sha256.</summary>
public sealed class SigV4VectorTests
{
    [Theory]
    [InlineData("post-x-www-form-urlencoded")]
    [InlineData("post-x-www-form-urlencoded-parameters")]
    public void Sign_AwsTestVector_ProducesTheVectorsAuthorizationHeader(string vector)
    {
        var folder = RepositoryPaths.AwsReference("sigv4", vector, "crt");
        using var context = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "context.json")));
        var root = context.RootElement;
        var credentials = root.GetProperty("credentials");
        var (method, path, headers, body) = ParseRequest(File.ReadAllText(Path.Combine(folder, "request.txt")));

        var request = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(method),
            RequestUri = new Uri("https://" + headers.Single(h => h.Name == "Host").Value + path),
            Content = Encoding.UTF8.GetBytes(body),
        };
        foreach (var (name, value) in headers.Where(h => h.Name != "Host"))
        {
            request.Headers[name] = value;
        }

        var result = AWSSigV4Signer.Sign(request, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials(credentials.GetProperty("access_key_id").GetString(), credentials.GetProperty("secret_access_key").GetString()),
            Region = Amazon.RegionEndpoint.GetBySystemName(root.GetProperty("region").GetString()),
            Service = root.GetProperty("service").GetString(),
            SignPayload = root.GetProperty("sign_body").GetBoolean(),
            SignedAt = root.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime,
        });

        var expected = ParseRequest(File.ReadAllText(Path.Combine(folder, "header-signed-request.txt"))).Headers;
        Assert.Equal(expected.Single(h => h.Name == "Authorization").Value, result.Headers["Authorization"]);
        Assert.Equal(expected.Single(h => h.Name == "X-Amz-Date").Value, result.Headers["X-Amz-Date"]);
    }

    private static (string Method, string Path, List<(string Name, string Value)> Headers, string Body) ParseRequest(string text)
    {
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = blank >= 0 ? text[..blank] : text;
        var body = blank >= 0 ? text[(blank + 2)..] : string.Empty;
        var lines = head.Split('\n');
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => (Name: l[..l.IndexOf(':', StringComparison.Ordinal)], Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..]))
            .ToList();
        return (requestLine[0], requestLine[1], headers, body);
    }
}
