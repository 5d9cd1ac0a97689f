using System.Text;
using System.Text.Json;

namespace BadgeFlow.Testing.Runtime;

/// <summary>What the fake hands the function for one invocation (all optional; defaults are filled in).</summary>
public sealed class FakeInvocationOptions
{
    /// <summary><c>Lambda-Runtime-Aws-Request-Id</c>; a sequential id (<c>00000000-…-000000000001</c>) when unset.</summary>
    public string? RequestId { get; init; }

    /// <summary><c>Lambda-Runtime-Deadline-Ms</c>; the fake's clock plus <see cref="FakeLambdaRuntimeApi.DefaultTimeout"/> when unset.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary><c>Lambda-Runtime-Invoked-Function-Arn</c>; <see cref="FakeLambdaRuntimeApi.DefaultFunctionArn"/> when unset.</summary>
    public string? FunctionArn { get; init; }

    /// <summary><c>Lambda-Runtime-Trace-Id</c>; no header when unset.</summary>
    public string? TraceId { get; init; }

    /// <summary><c>Lambda-Runtime-Client-Context</c>; no header when unset.</summary>
    public string? ClientContext { get; init; }

    /// <summary><c>Lambda-Runtime-Cognito-Identity</c>; no header when unset.</summary>
    public string? CognitoIdentity { get; init; }
}

/// <summary>An invocation queued on the fake; await <see cref="WaitAsync"/> for the function's answer.</summary>
public sealed class FakeInvocation
{
    private readonly TaskCompletionSource<FakeInvocationResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _delivered;

    internal FakeInvocation(string requestId, DateTimeOffset deadline, string functionArn, FakeInvocationOptions options, byte[] payload)
    {
        RequestId = requestId;
        Deadline = deadline;
        FunctionArn = functionArn;
        Options = options;
        Payload = payload;
    }

    /// <summary>The request id the function sees.</summary>
    public string RequestId { get; }

    /// <summary>The deadline the function sees.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>The invoked function ARN the function sees.</summary>
    public string FunctionArn { get; }

    /// <summary>The options it was enqueued with.</summary>
    public FakeInvocationOptions Options { get; }

    /// <summary>The event bytes.</summary>
    public byte[] Payload { get; }

    /// <summary>Whether the function has fetched it with <c>next</c>.</summary>
    public bool IsDelivered
    {
        get => Volatile.Read(ref _delivered);
        internal set => Volatile.Write(ref _delivered, value);
    }

    /// <summary>Completes when the function posts a response or an error for this invocation.</summary>
    public Task<FakeInvocationResult> Result => _result.Task;

    /// <summary>Waits for the function's answer, failing with a message that says what did not happen after
    /// <paramref name="timeout"/> (10 s by default) — a safety net, not a measurement.</summary>
    public async Task<FakeInvocationResult> WaitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        try
        {
            return await _result.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(IsDelivered
                ? $"The function fetched invocation {RequestId} but posted neither a response nor an error within {limit.TotalSeconds:0.#} s."
                : $"The function never fetched invocation {RequestId} (no GET /runtime/invocation/next) within {limit.TotalSeconds:0.#} s.");
        }
    }

    internal bool TryComplete(FakeInvocationResult result) => _result.TrySetResult(result);

    internal void Abandon(Exception reason) => _result.TrySetException(reason);
}

/// <summary>The function's answer to one invocation: a response, or an error.</summary>
public sealed class FakeInvocationResult
{
    internal FakeInvocationResult(string requestId, bool isError, byte[] body, string? contentType, string? functionErrorType)
    {
        RequestId = requestId;
        IsError = isError;
        Body = body;
        ContentType = contentType;
        FunctionErrorType = functionErrorType;
    }

    /// <summary>The invocation's request id.</summary>
    public string RequestId { get; }

    /// <summary>True when the function posted to <c>/error</c> (or its response exceeded the size limit).</summary>
    public bool IsError { get; }

    /// <summary>The posted body, as sent.</summary>
    public byte[] Body { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The request's Content-Type header.</summary>
    public string? ContentType { get; }

    /// <summary>The <c>Lambda-Runtime-Function-Error-Type</c> header of an error post.</summary>
    public string? FunctionErrorType { get; }

    /// <summary>The body parsed as JSON (a copy, safe to keep).</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    /// <summary>For an error: the body's <c>errorType</c>.</summary>
    public string? ErrorType => IsError && Json.TryGetProperty("errorType", out var value) ? value.GetString() : null;

    /// <summary>For an error: the body's <c>errorMessage</c>.</summary>
    public string? ErrorMessage => IsError && Json.TryGetProperty("errorMessage", out var value) ? value.GetString() : null;
}

/// <summary>What the function posted to <c>/runtime/init/error</c>.</summary>
public sealed class FakeInitError
{
    internal FakeInitError(byte[] body, string? contentType, string? functionErrorType)
    {
        Body = body;
        ContentType = contentType;
        FunctionErrorType = functionErrorType;
    }

    /// <summary>The posted body.</summary>
    public byte[] Body { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The request's Content-Type header.</summary>
    public string? ContentType { get; }

    /// <summary>The <c>Lambda-Runtime-Function-Error-Type</c> header.</summary>
    public string? FunctionErrorType { get; }

    /// <summary>The body parsed as JSON.</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }
}
