namespace BadgeFlow.Local.Lambda;

/// <summary>The outcome of one invocation. <see cref="Payload"/> is the function's response JSON (UTF-8) when it succeeded;
/// otherwise <see cref="ErrorJson"/> is the Runtime API error body (<c>{"errorMessage","errorType","stackTrace"}</c>)
/// or one the emulator wrote (timeout, crash, init failure), as Lambda would.</summary>
public sealed record InvocationResult(
    string RequestId,
    bool Succeeded,
    byte[]? Payload,
    string? ErrorType,
    string? ErrorJson,
    TimeSpan Duration);
