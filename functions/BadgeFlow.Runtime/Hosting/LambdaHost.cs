using System.Runtime.InteropServices;
using System.Text.Json.Serialization.Metadata;

namespace BadgeFlow.Runtime;

/// <summary>
/// Entry point of every function's <c>Main</c>: reads the Lambda environment, builds the handler once and serves
/// invocations until the process ends.
/// </summary>
/// <example>
/// <code>
/// return await LambdaHost.RunAsync(
///     initialize: async (JsonLogger log, CancellationToken ct) => (ILambdaHandler&lt;TReq, TResp&gt;)new SomeHandler(...),
///     requestType: SomeJsonContext.Default.TReq,
///     responseType: SomeJsonContext.Default.TResp);
/// </code>
/// </example>
public static class LambdaHost
{
    /// <summary>The variable holding the Runtime API's <c>host:port</c>.</summary>
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>BadgeFlow's log level variable (Debug, Information, Warning, Error).</summary>
    public const string LogLevelVariable = "LOG_LEVEL";

    /// <summary>The variables of a function's configuration that the host reads (Lambda's reserved ones, such as
    /// <see cref="RuntimeApiVariable"/>, are not configuration).</summary>
    public static readonly IReadOnlyList<SettingVariable> EnvironmentVariables = [new(LogLevelVariable, Required: false)];

    /// <summary>Lambda's own log level variable (advanced logging controls), used when <c>LOG_LEVEL</c> is unset.</summary>
    public const string LambdaLogLevelVariable = "AWS_LAMBDA_LOG_LEVEL";

    /// <summary>Runs the function: logs to stdout as JSON at <c>LOG_LEVEL</c>, serves the Runtime API at
    /// <c>AWS_LAMBDA_RUNTIME_API</c> and stops on SIGTERM.</summary>
    /// <param name="initialize">Builds the handler and every dependency, once (I/O allowed). An exception is reported
    /// to <c>/runtime/init/error</c> and the process exits non-zero.</param>
    /// <param name="requestType">Source-generated metadata of the event type.</param>
    /// <param name="responseType">Source-generated metadata of the response type.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync<TRequest, TResponse>(
        Func<JsonLogger, CancellationToken, Task<ILambdaHandler<TRequest, TResponse>>> initialize,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        ArgumentNullException.ThrowIfNull(requestType);
        ArgumentNullException.ThrowIfNull(responseType);

        var levelText = Environment.GetEnvironmentVariable(LogLevelVariable);
        if (string.IsNullOrWhiteSpace(levelText))
        {
            levelText = Environment.GetEnvironmentVariable(LambdaLogLevelVariable);
        }

        var levelValid = JsonLogger.TryParseLevel(levelText, out var level) || string.IsNullOrWhiteSpace(levelText);
        var logger = new JsonLogger(Console.Out, level, TimeProvider.System);
        if (!levelValid)
        {
            // A wrong log level should not take the function down: say so and log at Information.
            logger.Warning("LOG_LEVEL {LogLevel} is not one of Debug, Information, Warning, Error; using Information", levelText);
        }

        var runtimeApi = Environment.GetEnvironmentVariable(RuntimeApiVariable);
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            logger.Error("{Variable} is not set: this executable is a Lambda function and runs under the Lambda Runtime API", RuntimeApiVariable);
            return 1;
        }

        using var stopping = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stopping.Cancel();
        });
        RuntimeApiClient client;
        try
        {
            client = RuntimeApiClient.Create(runtimeApi);
        }
        catch (UriFormatException)
        {
            logger.Error("{Variable} is not a host:port address: {Value}", RuntimeApiVariable, runtimeApi);
            return 1;
        }

        using var ownedClient = client;
        var bootstrap = new LambdaBootstrap<TRequest, TResponse>(client, initialize, requestType, responseType, logger, TimeProvider.System);
        return await bootstrap.RunAsync(stopping.Token).ConfigureAwait(false);
    }
}
