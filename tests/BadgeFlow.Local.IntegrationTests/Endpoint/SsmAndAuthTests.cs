using System.Net;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Tests.Support;

namespace BadgeFlow.Local.Tests.Endpoint;

[Trait("Category", "Integration")]
public sealed class SsmAndAuthTests : IClassFixture<EndpointStack>
{
    private readonly EndpointStack _local;

    public SsmAndAuthTests(EndpointStack local) => _local = local;

    [Fact]
    public async Task GetParameter_SecureStringWithDecryption_ReturnsThePlainValueAndWithoutItDoesNot()
    {
        await _local.Cli.RunAsync("ssm", "put-parameter", "--name", "/cli/key", "--value", "c2VjcmV0LWtleQ==", "--type", "SecureString");

        var decrypted = (await _local.Cli.RunAsync("ssm", "get-parameter", "--name", "/cli/key", "--with-decryption")).GetProperty("Parameter");
        var encrypted = (await _local.Cli.RunAsync("ssm", "get-parameter", "--name", "/cli/key")).GetProperty("Parameter");

        Assert.Equal("c2VjcmV0LWtleQ==", decrypted.GetProperty("Value").GetString());
        Assert.Equal("SecureString", decrypted.GetProperty("Type").GetString());
        Assert.NotEqual("c2VjcmV0LWtleQ==", encrypted.GetProperty("Value").GetString());
    }

    [Fact]
    public async Task GetParameter_Unknown_ParameterNotFound()
    {
        var (exitCode, _, stderr) = await _local.Cli.TryRunAsync("ssm", "get-parameter", "--name", "/cli/missing");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ParameterNotFound", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonRequest_WithoutSigV4Authorization_MissingAuthenticationToken()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _local.Stack.EndpointUrl)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", "Firehose_20150804.ListDeliveryStreams");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("MissingAuthenticationTokenException", body.RootElement.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task QueryRequest_WithoutSigV4Authorization_ErrorResponseXml()
    {
        using var http = new HttpClient();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "ListTopics", ["Version"] = "2010-03-31" });

        using var response = await http.PostAsync(_local.Stack.EndpointUrl, content);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        System.Xml.Linq.XNamespace ns = "http://sns.amazonaws.com/doc/2010-03-31/";
        Assert.Equal("MissingAuthenticationToken", xml.Root!.Element(ns + "Error")!.Element(ns + "Code")!.Value);
        Assert.NotNull(xml.Root.Element(ns + "RequestId"));
    }
}
