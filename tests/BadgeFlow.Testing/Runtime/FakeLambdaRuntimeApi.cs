using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BadgeFlow.Testing.Runtime;

/// <summary>
/// A Lambda Runtime API (2018-06-01) served over real HTTP on a free loopback port, for running a function's loop —
/// in-process or as the published <c>bootstrap</c> binary — the way Lambda does: queue invocations with
/// <see cref="Enqueue(string, FakeInvocationOptions?)"/>, point the function at <see cref="Address"/>
/// (<c>AWS_LAMBDA_RUNTIME_API</c>), then await each <see cref="FakeInvocation.WaitAsync"/> or
/// <see cref="WaitForInitErrorAsync"/>.
/// </summary>
/// <remarks>
/// Behaves as Lambda documents: <c>next</c> long-polls until an invocation is queued and answers with the event and the
/// <c>Lambda-Runtime-*</c> headers; <c>response</c>, <c>error</c> and <c>init/error</c> answer 202. Posting for an
/// unknown or already-answered request id answers 400, a response over <see cref="MaxResponseBytes"/> answers 413 and
/// fails the invocation (<c>Function.ResponseSizeTooLarge</c>); such events are listed in <see cref="ProtocolViolations"/>.
/// </remarks>
public sealed class FakeLambdaRuntimeApi : IAsyncDisposable
{
    /// <summary>The ARN given to invocations that do not set one.</summary>
    public const string DefaultFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:badgeflow-test";

    /// <summary>Lambda's limit on a synchronous response: 6 MB.</summary>
    public const int DefaultMaxResponseBytes = 6 * 1024 * 1024;

    private const string Prefix = "/2018-06-01/runtime/";

    private readonly WebApplication _app;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<FakeInvocation> _queue = Channel.CreateUnbounded<FakeInvocation>();
    private readonly ConcurrentDictionary<string, FakeInvocation> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly TaskCompletionSource<FakeInitError> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private int _sequence;
    private readonly TaskCompletionSource<long> _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextRequests;
    private int _disposed;

    private FakeLambdaRuntimeApi(WebApplication app, TimeProvider timeProvider)
    {
        _app = app;
        _timeProvider = timeProvider;
    }

    /// <summary>The <c>host:port</c> to put in <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary><c>http://host:port/</c>, for an <see cref="HttpClient.BaseAddress"/>.</summary>
    public Uri BaseAddress => new($"http://{Address}/");

    /// <summary>Deadline given to invocations that do not set one, from the fake's clock: 30 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response accepted; larger ones answer 413 and fail the invocation.</summary>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>When set, <c>next</c> answers with this status and an error body instead of an invocation, as Lambda
    /// does when the environment is broken (500) — to see the function exit.</summary>
    public int? NextFailureStatus { get; set; }

    /// <summary>How many <c>GET /runtime/invocation/next</c> calls arrived so far.</summary>
    public int NextRequestCount => Volatile.Read(ref _nextRequests);

    /// <summary>Calls Lambda would have refused (unknown paths, unknown or repeated request ids, oversized responses).</summary>
    public IReadOnlyCollection<string> ProtocolViolations => _violations.ToArray();

    /// <summary>Completes when the function posts to <c>/runtime/init/error</c>.</summary>
    public Task<FakeInitError> InitError => _initError.Task;

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the first <c>next</c> request: the end of the
    /// function's init phase, for measuring it (real time on purpose: it is a measurement, never an assertion).</summary>
    public Task<long> FirstNextTimestamp => _firstNext.Task;

    /// <summary>Starts the fake on a free port of 127.0.0.1.</summary>
    /// <param name="timeProvider">Clock for default deadlines; <see cref="TimeProvider.System"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeLambdaRuntimeApi> StartAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var fake = new FakeLambdaRuntimeApi(app, timeProvider ?? TimeProvider.System);
        app.Run(fake.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var bound = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started the fake Lambda Runtime API but reported no listening address.");
        fake.Address = new Uri(bound).Authority;
        return fake;
    }

    /// <summary>Queues an invocation with a JSON event given as text.</summary>
    public FakeInvocation Enqueue(string payload, FakeInvocationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Enqueue(Encoding.UTF8.GetBytes(payload), options);
    }

    /// <summary>Queues an invocation with an event given as bytes (sent as they are, e.g. with a BOM).</summary>
    public FakeInvocation Enqueue(byte[] payload, FakeInvocationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        options ??= new FakeInvocationOptions();
        var sequence = Interlocked.Increment(ref _sequence);
        var requestId = options.RequestId ?? $"00000000-0000-4000-8000-{sequence:D12}";
        var invocation = new FakeInvocation(
            requestId,
            options.Deadline ?? _timeProvider.GetUtcNow() + DefaultTimeout,
            options.FunctionArn ?? DefaultFunctionArn,
            options,
            payload);
        if (!_inFlight.TryAdd(requestId, invocation))
        {
            throw new ArgumentException($"Request id {requestId} is already queued or in flight.", nameof(options));
        }

        _queue.Writer.TryWrite(invocation);
        return invocation;
    }

    /// <summary>Waits for the function to post to <c>/runtime/init/error</c>, failing with a clear message after
    /// <paramref name="timeout"/> (10 s by default).</summary>
    public async Task<FakeInitError> WaitForInitErrorAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        try
        {
            return await _initError.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The function posted no /runtime/init/error within {limit.TotalSeconds:0.#} s ({NextRequestCount} next calls arrived).");
        }
    }

    /// <summary>Stops the server; invocations still unanswered fail with <see cref="ObjectDisposedException"/>. Safe to
    /// call more than once (a test may stop the API mid-run to see the function cope).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Long-polling next calls would otherwise hold the shutdown until its timeout.
        await _stopping.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var invocation in _inFlight.Values)
        {
            invocation.Abandon(new ObjectDisposedException(nameof(FakeLambdaRuntimeApi), $"The fake Runtime API stopped before invocation {invocation.RequestId} was answered."));
        }

        _initError.TrySetCanceled();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var method = context.Request.Method;
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, "NotFound", $"{method} {path}").ConfigureAwait(false);
            return;
        }

        var route = path[Prefix.Length..];
        if (HttpMethods.IsGet(method) && route == "invocation/next")
        {
            await NextAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(method) && route == "init/error")
        {
            var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
            _initError.TrySetResult(new FakeInitError(body, context.Request.ContentType, ErrorTypeHeader(context.Request)));
            await AcceptAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(method) && route.StartsWith("invocation/", StringComparison.Ordinal)
                 && (route.EndsWith("/response", StringComparison.Ordinal) || route.EndsWith("/error", StringComparison.Ordinal)))
        {
            await AnswerAsync(context, route).ConfigureAwait(false);
        }
        else
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, "NotFound", $"{method} {path}").ConfigureAwait(false);
        }
    }

    private async Task NextAsync(HttpContext context)
    {
        _firstNext.TrySetResult(System.Diagnostics.Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _nextRequests);
        if (NextFailureStatus is { } failure)
        {
            await RefuseAsync(context, failure, "ContainerError", "next refused on purpose (NextFailureStatus)").ConfigureAwait(false);
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        FakeInvocation invocation;
        try
        {
            invocation = await _queue.Reader.ReadAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            // The function stopped waiting, or the fake is stopping: nothing was handed out. When stopping, drop the
            // connection as a vanished Runtime API would, rather than answer an empty 200.
            if (_stopping.IsCancellationRequested)
            {
                context.Abort();
            }

            return;
        }

        invocation.IsDelivered = true;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.FunctionArn;
        if (invocation.Options.TraceId is { } traceId)
        {
            response.Headers["Lambda-Runtime-Trace-Id"] = traceId;
        }

        if (invocation.Options.ClientContext is { } clientContext)
        {
            response.Headers["Lambda-Runtime-Client-Context"] = clientContext;
        }

        if (invocation.Options.CognitoIdentity is { } cognitoIdentity)
        {
            response.Headers["Lambda-Runtime-Cognito-Identity"] = cognitoIdentity;
        }

        response.ContentLength = invocation.Payload.Length;
        await response.Body.WriteAsync(invocation.Payload, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpContext context, string route)
    {
        var isError = route.EndsWith("/error", StringComparison.Ordinal);
        var requestId = route["invocation/".Length..route.LastIndexOf('/')];
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        if (!_inFlight.TryGetValue(requestId, out var invocation) || !invocation.IsDelivered)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "InvalidRequestID", $"{(isError ? "error" : "response")} for unknown request id {requestId}").ConfigureAwait(false);
            return;
        }

        if (!isError && body.Length > MaxResponseBytes)
        {
            _inFlight.TryRemove(requestId, out _);
            var message = $"Response payload size ({body.Length} bytes) exceeded maximum allowed payload size ({MaxResponseBytes} bytes).";
            var errorBody = Encoding.UTF8.GetBytes($$"""{"errorMessage":"{{message}}","errorType":"Function.ResponseSizeTooLarge"}""");
            invocation.TryComplete(new FakeInvocationResult(requestId, isError: true, errorBody, "application/json", "Function.ResponseSizeTooLarge"));
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge", message).ConfigureAwait(false);
            return;
        }

        if (!_inFlight.TryRemove(requestId, out _) ||
            !invocation.TryComplete(new FakeInvocationResult(requestId, isError, body, context.Request.ContentType, isError ? ErrorTypeHeader(context.Request) : null)))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "InvalidStateTransition", $"second answer for request id {requestId}").ConfigureAwait(false);
            return;
        }

        await AcceptAsync(context).ConfigureAwait(false);
    }

    private static string? ErrorTypeHeader(HttpRequest request) =>
        request.Headers.TryGetValue("Lambda-Runtime-Function-Error-Type", out var value) ? value.ToString() : null;

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static Task AcceptAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("""{"status":"OK"}""");
    }

    private Task RefuseAsync(HttpContext context, int status, string errorType, string detail)
    {
        _violations.Enqueue($"{status} {errorType}: {detail}");
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = System.Text.Json.JsonSerializer.Serialize(
            new Dictionary<string, string> { ["errorMessage"] = detail, ["errorType"] = errorType });
        return context.Response.WriteAsync(body);
    }
}
