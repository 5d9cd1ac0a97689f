using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BadgeFlow.Runtime;

/// <summary>
/// The runtime loop: initialize the handler once, then fetch an invocation, run the handler and post its response or
/// error, forever (or until <c>stoppingToken</c> is cancelled). <see cref="LambdaHost"/> wires it to the process;
/// tests drive it against a fake Runtime API.
/// </summary>
/// <typeparam name="TRequest">The event type.</typeparam>
/// <typeparam name="TResponse">The response type.</typeparam>
public sealed class LambdaBootstrap<TRequest, TResponse>
{
    /// <summary>Environment variable the X-Ray SDKs read the current trace header from.</summary>
    public const string TraceIdEnvironmentVariable = "_X_AMZN_TRACE_ID";

    /// <summary>How long before the deadline <see cref="LambdaContext.CancellationToken"/> is cancelled, by default.</summary>
    public static readonly TimeSpan DefaultCancellationMargin = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly RuntimeApiClient _runtimeApi;
    private readonly Func<JsonLogger, CancellationToken, Task<ILambdaHandler<TRequest, TResponse>>> _initialize;
    private readonly JsonTypeInfo<TRequest> _requestType;
    private readonly JsonTypeInfo<TResponse> _responseType;
    private readonly JsonLogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _cancellationMargin;
    private readonly ArrayBufferWriter<byte> _responseBuffer = new(16 * 1024);
    private Utf8JsonWriter? _responseWriter;

    /// <summary>Creates the loop.</summary>
    /// <param name="runtimeApi">The Runtime API to serve.</param>
    /// <param name="initialize">Builds the handler and its dependencies, once; may do I/O (e.g. read SSM). An exception
    /// is reported to <c>/runtime/init/error</c> and <see cref="RunAsync"/> returns a non-zero exit code.</param>
    /// <param name="requestType">Source-generated metadata of the event type.</param>
    /// <param name="responseType">Source-generated metadata of the response type.</param>
    /// <param name="logger">The function's logger (request-bound copies go to each <see cref="LambdaContext"/>).</param>
    /// <param name="timeProvider">The clock for <see cref="LambdaContext.RemainingTime"/> and the deadline token.</param>
    /// <param name="cancellationMargin">How long before the deadline the context's token is cancelled
    /// (<see cref="DefaultCancellationMargin"/> when omitted).</param>
    public LambdaBootstrap(
        RuntimeApiClient runtimeApi,
        Func<JsonLogger, CancellationToken, Task<ILambdaHandler<TRequest, TResponse>>> initialize,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        JsonLogger logger,
        TimeProvider timeProvider,
        TimeSpan? cancellationMargin = null)
    {
        ArgumentNullException.ThrowIfNull(runtimeApi);
        ArgumentNullException.ThrowIfNull(initialize);
        ArgumentNullException.ThrowIfNull(requestType);
        ArgumentNullException.ThrowIfNull(responseType);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (cancellationMargin is { } margin && margin < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(cancellationMargin), margin, "The cancellation margin cannot be negative.");
        }

        _runtimeApi = runtimeApi;
        _initialize = initialize;
        _requestType = requestType;
        _responseType = responseType;
        _logger = logger;
        _timeProvider = timeProvider;
        _cancellationMargin = cancellationMargin ?? DefaultCancellationMargin;
    }

    /// <summary>Initializes the handler, then serves invocations until <paramref name="stoppingToken"/> is cancelled.</summary>
    /// <returns>The process exit code: 0 when stopped, non-zero when initialization failed or the Runtime API became
    /// unusable (AWS asks runtimes to exit then; Lambda starts a fresh environment).</returns>
    public async Task<int> RunAsync(CancellationToken stoppingToken = default)
    {
        var handler = await InitializeAsync(stoppingToken).ConfigureAwait(false);
        if (handler is null)
        {
            return stoppingToken.IsCancellationRequested ? 0 : 1;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var invocation = await _runtimeApi.GetNextInvocationAsync(stoppingToken).ConfigureAwait(false);
                await InvokeAsync(handler, invocation, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RuntimeApiException exception) when (!exception.IsFatal)
            {
                // A 4xx on response/error (e.g. 413, response too large): Lambda has already failed that invocation;
                // the environment itself is fine.
                _logger.Error(exception, "The Runtime API rejected a call with {StatusCode}", (int?)exception.StatusCode);
            }
            catch (Exception exception) when (exception is RuntimeApiException or HttpRequestException or IOException)
            {
                _logger.Error(exception, "The Runtime API is unusable; exiting so that Lambda replaces the environment");
                return 1;
            }
            catch (Exception exception)
            {
                // A fault in the loop itself: leave a log line and a clean exit code rather than an unhandled crash.
                _logger.Error(exception, "The runtime loop failed; exiting so that Lambda replaces the environment");
                return 1;
            }
        }

        return 0;
    }

    private async Task<ILambdaHandler<TRequest, TResponse>?> InitializeAsync(CancellationToken stoppingToken)
    {
        Exception failure;
        try
        {
            var handler = await _initialize(_logger, stoppingToken).ConfigureAwait(false);
            if (handler is not null)
            {
                return handler;
            }

            failure = new InvalidOperationException("The initializer returned no handler.");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        _logger.Error(failure, "Initialization failed: {ErrorType}", failure.GetType().Name);
        var error = RuntimeError.FromException(failure, failure is SettingsException ? RuntimeError.ConfigInvalid : RuntimeError.Unhandled);
        try
        {
            await _runtimeApi.SendInitErrorAsync(error, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RuntimeApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            _logger.Error(exception, "Could not report the initialization failure to the Runtime API");
        }

        return null;
    }

    private async Task InvokeAsync(ILambdaHandler<TRequest, TResponse> handler, RuntimeInvocation invocation, CancellationToken stoppingToken)
    {
        // X-Ray SDKs and OpenTelemetry propagators read the current trace from here; clear it when Lambda sent none so
        // one invocation's trace never leaks into the next.
        Environment.SetEnvironmentVariable(TraceIdEnvironmentVariable, invocation.TraceId);

        if (!TryReadRequest(invocation.Payload, out var request, out var invalidEvent, out var reason))
        {
            _logger.ForRequest(invocation.RequestId).Warning("The event is not a valid {RequestType}: {Reason}", typeof(TRequest).Name, reason);
            await _runtimeApi.SendErrorAsync(invocation.RequestId, invalidEvent, stoppingToken).ConfigureAwait(false);
            return;
        }

        using var deadline = CreateDeadlineSource(invocation.Deadline);
        var context = new LambdaContext(
            invocation.RequestId,
            invocation.InvokedFunctionArn,
            invocation.TraceId,
            invocation.Deadline,
            _timeProvider,
            _logger,
            deadline.Token);

        TResponse response;
        try
        {
            response = await handler.HandleAsync(request, context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            context.Logger.Error(exception, "The invocation failed with {ErrorType}", exception.GetType().Name);
            await _runtimeApi.SendErrorAsync(invocation.RequestId, RuntimeError.FromException(exception), stoppingToken).ConfigureAwait(false);
            return;
        }

        ReadOnlyMemory<byte> body;
        try
        {
            body = WriteResponse(response);
        }
        catch (Exception exception)
        {
            // Whatever a converter throws, it concerns this response only: report it and keep serving.
            context.Logger.Error(exception, "The response could not be serialized as {ResponseType}", typeof(TResponse).Name);
            var error = new RuntimeError(RuntimeError.SerializationError, $"The response could not be serialized as {typeof(TResponse).Name}: {exception.Message}", [], RuntimeError.SerializationError);
            await _runtimeApi.SendErrorAsync(invocation.RequestId, error, stoppingToken).ConfigureAwait(false);
            return;
        }

        await _runtimeApi.SendResponseAsync(invocation.RequestId, body, stoppingToken).ConfigureAwait(false);
    }

    private bool TryReadRequest(ReadOnlyMemory<byte> payload, out TRequest request, out RuntimeError error, out string reason)
    {
        var json = payload.Span;

        // Lambda never sends a BOM, but events saved by editors (and AWS's own .NET samples) start with one.
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        try
        {
            var value = JsonSerializer.Deserialize(json, _requestType);
            if (value is not null)
            {
                request = value;
                error = null!;
                reason = string.Empty;
                return true;
            }

            reason = "the event is null.";
        }
        catch (JsonException exception)
        {
            // JsonException messages name the path and position, never the offending value.
            reason = exception.Message;
        }
        catch (NotSupportedException exception)
        {
            reason = exception.Message;
        }

        request = default!;
        error = new RuntimeError(
            RuntimeError.InvalidEvent,
            $"The event could not be read as {typeof(TRequest).Name}: {reason}",
            [],
            RuntimeError.InvalidEvent);
        return false;
    }

    private ReadOnlyMemory<byte> WriteResponse(TResponse response)
    {
        _responseBuffer.ResetWrittenCount();
        var writer = _responseWriter ??= new Utf8JsonWriter(_responseBuffer, new JsonWriterOptions
        {
            // The response goes to Lambda, never into HTML: the default encoder's \u002B for every '+' would swell a
            // base64-heavy Firehose response by ~15% against its 6 MB limit.
            Encoder = _responseType.Options.Encoder ?? JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Indented = false,
        });
        writer.Reset(_responseBuffer);
        JsonSerializer.Serialize(writer, response, _responseType);
        writer.Flush();
        return _responseBuffer.WrittenMemory;
    }

    private CancellationTokenSource CreateDeadlineSource(DateTimeOffset deadline)
    {
        var delay = deadline - _cancellationMargin - _timeProvider.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            var expired = new CancellationTokenSource();
            expired.Cancel();
            return expired;
        }

        // Timers take at most ~49.7 days; Lambda's limit is 15 minutes, so a later deadline simply never fires.
        return delay < MaxTimerDelay ? new CancellationTokenSource(delay, _timeProvider) : new CancellationTokenSource();
    }
}
