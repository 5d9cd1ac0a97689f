namespace BadgeFlow.Runtime;

/// <summary>
/// A Lambda function's handler: turns one event into one response. Implementations are sealed, take every dependency
/// through their constructor (built once in <c>Main</c>) and keep no per-invocation state.
/// </summary>
/// <typeparam name="TRequest">The event type, deserialized with the source-generated metadata given to <see cref="LambdaHost"/>.</typeparam>
/// <typeparam name="TResponse">The response type, serialized the same way.</typeparam>
public interface ILambdaHandler<TRequest, TResponse>
{
    /// <summary>Handles one invocation. An exception is reported to the Runtime API as an invocation error; the
    /// runtime then continues with the next invocation.</summary>
    Task<TResponse> HandleAsync(TRequest request, LambdaContext context);
}
