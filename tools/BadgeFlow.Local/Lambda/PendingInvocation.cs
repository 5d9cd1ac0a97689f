using System.Diagnostics;

namespace BadgeFlow.Local.Lambda;

/// <summary>An invocation from the moment it is queued until a result completes it; it completes exactly once
/// (the function's answer, a timeout or a crash, whichever comes first).</summary>
internal sealed class PendingInvocation
{
    private readonly TaskCompletionSource<InvocationResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _startedTimestamp;

    public PendingInvocation(string requestId, byte[] payload, TimeSpan timeout)
    {
        RequestId = requestId;
        Payload = payload;
        Timeout = timeout;
    }

    public string RequestId { get; }

    public byte[] Payload { get; }

    public TimeSpan Timeout { get; }

    public Task<InvocationResult> Result => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    public void MarkStarted() => _startedTimestamp = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => _startedTimestamp == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_startedTimestamp);

    public bool Succeed(byte[] payload) =>
        _completion.TrySetResult(new InvocationResult(RequestId, true, payload, null, null, Elapsed));

    public bool Fail(string errorType, string errorJson) =>
        _completion.TrySetResult(new InvocationResult(RequestId, false, null, errorType, errorJson, Elapsed));

    public bool FailWithMessage(string errorType, string message) =>
        Fail(errorType, LambdaErrors.Body(errorType, message));
}
