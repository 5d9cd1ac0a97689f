using System.Collections.Concurrent;
using System.Text;

namespace BadgeFlow.Local.Endpoint;

/// <summary>Stands in for the pre-signed S3 URL CloudFormation gives a custom resource: the function PUTs its
/// response there, and whoever sent the request awaits it.</summary>
public sealed class CustomResourceResponses
{
    public const string PathPrefix = "/cfn-responses";

    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _pending = new(StringComparer.Ordinal);

    /// <summary>Registers a response slot; returns its path under the endpoint and the task that completes with the body.</summary>
    public (string Path, Task<string> Response) Expect()
    {
        var id = Guid.NewGuid().ToString("N");
        var completion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        return ($"{PathPrefix.TrimStart('/')}/{id}", completion.Task);
    }

    internal async Task ReceiveAsync(string id, Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (_pending.TryRemove(id, out var completion))
        {
            completion.TrySetResult(text);
        }
    }
}
