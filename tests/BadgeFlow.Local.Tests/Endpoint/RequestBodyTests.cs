using System.Text;
using BadgeFlow.Local.Endpoint;
using Microsoft.AspNetCore.Http;

namespace BadgeFlow.Local.Tests.Endpoint;

public sealed class RequestBodyTests
{
    private static HttpRequest Request(byte[] body, long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = contentLength;
        return context.Request;
    }

    [Fact]
    public async Task ReadAsync_ContentLengthGiven_ReturnsExactlyTheBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"DeliveryStreamName":"badgeflow-reads","Records":[]}""");

        var read = await RequestBody.ReadAsync(Request(body, body.Length), CancellationToken.None);

        Assert.Equal(body, read);
    }

    [Fact]
    public async Task ReadAsync_NoContentLength_ReadsToTheEnd()
    {
        // A chunked body (no Content-Length), larger than one copy buffer.
        var body = Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray();

        var read = await RequestBody.ReadAsync(Request(body, null), CancellationToken.None);

        Assert.Equal(body, read);
    }

    [Fact]
    public async Task ReadAsync_ContentLengthZero_Empty()
    {
        Assert.Empty(await RequestBody.ReadAsync(Request([], 0), CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_BodyShorterThanContentLength_Throws()
    {
        // A client that promises more than it sends: the read fails rather than returning zero padding.
        await Assert.ThrowsAsync<EndOfStreamException>(() => RequestBody.ReadAsync(Request([1, 2, 3], 10), CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_ContentLengthAboveThePresizeBound_ReadsWhatIsSentWithoutReservingIt()
    {
        // A Content-Length of 1 GB reserves nothing up front; the three bytes sent are read as they come.
        var read = await RequestBody.ReadAsync(Request([1, 2, 3], 1L << 30), CancellationToken.None);

        Assert.Equal(new byte[] { 1, 2, 3 }, read);
    }
}
