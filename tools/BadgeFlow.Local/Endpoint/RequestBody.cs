using Microsoft.AspNetCore.Http;

namespace BadgeFlow.Local.Endpoint;

/// <summary>Reads a request body into one array. Every hop of the local pipeline (sensor API, Runtime API, Firehose)
/// reads bodies of 100 KB to a few MB; sized from Content-Length they are allocated once, instead of a MemoryStream
/// doubling through the large-object heap and then copied (a fifth of the tool's allocations at replay speed, see
/// docs/demo.md "Replay at scale").</summary>
public static class RequestBody
{
    /// <summary>Content-Length above this is read as if it were unknown: a client's header alone never reserves more.</summary>
    private const long LargestPresized = 8L * 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } length and <= LargestPresized)
        {
            if (length == 0)
            {
                return [];
            }

            // Kestrel ends the body at Content-Length and fails the read if the client sends less.
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            return body;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
