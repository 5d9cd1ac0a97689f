namespace BadgeFlow.Runtime;

/// <summary>One invocation as the Runtime API's <c>next</c> call delivers it.</summary>
public sealed class RuntimeInvocation
{
    /// <summary>Creates an invocation (the client does this; tests may too).</summary>
    public RuntimeInvocation(string requestId, DateTimeOffset deadline, string invokedFunctionArn, string? traceId, string? clientContext, string? cognitoIdentity, ReadOnlyMemory<byte> payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        RequestId = requestId;
        Deadline = deadline;
        InvokedFunctionArn = invokedFunctionArn ?? string.Empty;
        TraceId = traceId;
        ClientContext = clientContext;
        CognitoIdentity = cognitoIdentity;
        Payload = payload;
    }

    /// <summary><c>Lambda-Runtime-Aws-Request-Id</c>.</summary>
    public string RequestId { get; }

    /// <summary><c>Lambda-Runtime-Deadline-Ms</c>, as a time.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary><c>Lambda-Runtime-Invoked-Function-Arn</c>.</summary>
    public string InvokedFunctionArn { get; }

    /// <summary><c>Lambda-Runtime-Trace-Id</c> (the X-Ray trace header), when present.</summary>
    public string? TraceId { get; }

    /// <summary><c>Lambda-Runtime-Client-Context</c> (mobile SDK invocations), when present.</summary>
    public string? ClientContext { get; }

    /// <summary><c>Lambda-Runtime-Cognito-Identity</c> (mobile SDK invocations), when present.</summary>
    public string? CognitoIdentity { get; }

    /// <summary>The event as UTF-8 JSON. Backed by a buffer the client reuses: valid until the next <c>next</c> call.</summary>
    public ReadOnlyMemory<byte> Payload { get; }
}
