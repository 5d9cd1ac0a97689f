using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using BadgeFlow.Local.Endpoint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Lambda;

/// <summary>One execution environment: a Runtime API server on its own loopback port and the child process running the
/// function against it. Like a Lambda sandbox it serves one invocation at a time, taking the next from the function's
/// shared queue; a process that exits is restarted and the invocation it held fails with <c>Runtime.ExitError</c>.</summary>
internal sealed partial class FunctionInstance : IAsyncDisposable
{
    private const string ApiPrefix = "/2018-06-01/runtime/";

    private readonly FunctionDefinition _function;
    private readonly int _index;
    private readonly ChannelReader<PendingInvocation> _queue;
    private readonly Action<string> _onInitFailure;
    private readonly string _logPath;
    private readonly string _functionArn;
    private readonly bool _echo;
    private readonly ILogger _logger;
    private readonly ILogger _functionLog;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _logGate = new();
    private LoopbackServer? _server;
    private Process? _process;
    private StreamWriter? _log;
    private PendingInvocation? _current;
    private Task? _supervisor;
    private string? _initError;

    public FunctionInstance(
        FunctionDefinition function,
        int index,
        ChannelReader<PendingInvocation> queue,
        Action<string> onInitFailure,
        string logDirectory,
        string functionArn,
        bool echo,
        ILoggerFactory loggerFactory)
    {
        _function = function;
        _index = index;
        _queue = queue;
        _onInitFailure = onInitFailure;
        _logPath = Path.Combine(logDirectory, $"{function.Name}-{index}.log");
        _functionArn = functionArn;
        _echo = echo;
        _logger = loggerFactory.CreateLogger<FunctionInstance>();
        _functionLog = loggerFactory.CreateLogger($"Function.{function.Name}");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await LoopbackServer.StartAsync(0, HandleRuntimeApiAsync, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
        _log = new StreamWriter(new FileStream(_logPath, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
        _supervisor = SuperviseAsync(_stopping.Token);
    }

    /// <summary>Kills the process if it is running <paramref name="invocation"/> (its timeout ran out); the supervisor restarts it.</summary>
    public void KillIfRunning(PendingInvocation invocation)
    {
        Process? process;
        lock (_gate)
        {
            if (!ReferenceEquals(_current, invocation))
            {
                return;
            }

            process = _process;
        }

        LogTimedOut(_logger, _function.Name, _index, invocation.RequestId);
        TryKill(process);
    }

    /// <summary>Stops supervising and kills the process, so closing the shared queue afterwards is not mistaken for a
    /// crash to restart from.</summary>
    public async Task BeginStopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        TryKill(process);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        TryKill(process);
        if (_supervisor is not null)
        {
            try
            {
                await _supervisor.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        lock (_logGate)
        {
            _log?.Dispose();
            _log = null;
        }

        _stopping.Dispose();
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            using var process = StartProcess();
            lock (_gate)
            {
                _process = process;
                _initError = null;
            }

            try
            {
                await process.WaitForExitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                TryKill(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                FailCurrent("Runtime.ExitError", "The local stack is shutting down.");
                return;
            }

            string? initError;
            lock (_gate)
            {
                _process = null;
                initError = _initError;
            }

            var exitCode = process.ExitCode;
            if (stopping.IsCancellationRequested)
            {
                FailCurrent("Runtime.ExitError", "The local stack is shutting down.");
                return;
            }

            LogExited(_logger, _function.Name, _index, exitCode);
            var message = initError ?? $"RequestId: {_current?.RequestId} Error: Runtime exited with error: exit status {exitCode.ToString(CultureInfo.InvariantCulture)}";
            if (!FailCurrent(initError is null ? "Runtime.ExitError" : "Runtime.InitError", message))
            {
                // Nothing was running: it died during init. Lambda fails the invocation that triggered the init.
                _onInitFailure(message);
            }

            // Back off when it keeps dying right away (a build or settings problem), so the log stays readable.
            failures = Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5) ? failures + 1 : 0;
            var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 200 * Math.Pow(2, Math.Min(failures, 6))));
            await Task.Delay(failures == 0 ? TimeSpan.Zero : delay, stopping).ConfigureAwait(false);
        }
    }

    private Process StartProcess()
    {
        var start = new ProcessStartInfo(_function.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = _function.WorkingDirectory,
        };
        foreach (var argument in _function.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _function.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{_server!.Port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["AWS_LAMBDA_LOG_STREAM_NAME"] = $"local/{_function.Name}-{_index.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(_logger, _function.Name, _index, process.Id, _server.Port);
        return process;
    }

    private void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _log?.WriteLine(line);
        }

        if (_echo)
        {
            LogFunctionLine(_functionLog, line);
        }
    }

    private async Task HandleRuntimeApiAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(ApiPrefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var route = path[ApiPrefix.Length..];
        if (HttpMethods.IsGet(context.Request.Method) && route == "invocation/next")
        {
            await NextAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(context.Request.Method) && route == "init/error")
        {
            var body = Encoding.UTF8.GetString(await RequestBody.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false));
            lock (_gate)
            {
                _initError = body;
            }

            await AcceptedAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(context.Request.Method) && route.StartsWith("invocation/", StringComparison.Ordinal)
                 && (route.EndsWith("/response", StringComparison.Ordinal) || route.EndsWith("/error", StringComparison.Ordinal)))
        {
            var isError = route.EndsWith("/error", StringComparison.Ordinal);
            var requestId = route["invocation/".Length..route.LastIndexOf('/')];
            // The response stays UTF-8 bytes: its reader (Firehose, the sensor API) parses JSON from bytes, and a
            // Transform response of a few MB read as text was a quarter of the tool's allocations.
            var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            PendingInvocation? current;
            lock (_gate)
            {
                current = _current is not null && _current.RequestId == requestId ? _current : null;
                if (current is not null)
                {
                    _current = null;
                }
            }

            if (current is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await WriteJsonAsync(context, LambdaErrors.Body("InvalidRequestID", $"Unknown request id {requestId}.")).ConfigureAwait(false);
                return;
            }

            if (isError)
            {
                string errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString() is { Length: > 0 } header ? header : "Unhandled";
                current.Fail(errorType, Encoding.UTF8.GetString(body));
            }
            else
            {
                current.Succeed(body);
            }

            await AcceptedAsync(context).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task NextAsync(HttpContext context)
    {
        // A second /next while one is outstanding means the function never answered it.
        FailCurrent("Runtime.NoResponse", "The runtime asked for the next invocation without answering the current one.");

        PendingInvocation invocation;
        try
        {
            do
            {
                invocation = await _queue.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            }
            while (invocation.IsCompleted);
        }
        catch (ChannelClosedException)
        {
            // The function is being stopped; its process is killed right after.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The process went away while waiting for work; the supervisor restarts it.
            return;
        }

        lock (_gate)
        {
            _current = invocation;
        }

        invocation.MarkStarted();
        var deadline = DateTimeOffset.UtcNow + invocation.Timeout;
        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = _functionArn;
        headers["Lambda-Runtime-Trace-Id"] = TraceId(deadline);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = invocation.Payload.Length;
        _ = WatchTimeoutAsync(invocation);
        try
        {
            await context.Response.Body.WriteAsync(invocation.Payload, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            FailCurrent("Runtime.ExitError", "The runtime disconnected before it received the invocation.");
        }
    }

    private async Task WatchTimeoutAsync(PendingInvocation invocation)
    {
        try
        {
            await invocation.Result.WaitAsync(invocation.Timeout, _stopping.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var seconds = invocation.Timeout.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
            if (invocation.FailWithMessage("Sandbox.Timedout", $"RequestId: {invocation.RequestId} Error: Task timed out after {seconds} seconds"))
            {
                KillIfRunning(invocation);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private bool FailCurrent(string errorType, string message)
    {
        PendingInvocation? current;
        lock (_gate)
        {
            current = _current;
            _current = null;
        }

        return current is not null && current.FailWithMessage(errorType, message);
    }

    private static string TraceId(DateTimeOffset now) =>
        $"Root=1-{now.ToUnixTimeSeconds():x8}-{Guid.NewGuid():N}"[..35] + ";Sampled=0";

    private static Task AcceptedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return WriteJsonAsync(context, "{\"status\":\"OK\"}");
    }

    private static Task WriteJsonAsync(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private static void TryKill(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{FunctionName}[{Instance}] started as process {ProcessId}, Runtime API port {Port}")]
    private static partial void LogStarted(ILogger logger, string functionName, int instance, int processId, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{FunctionName}[{Instance}] exited with code {ExitCode}; restarting")]
    private static partial void LogExited(ILogger logger, string functionName, int instance, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{FunctionName}[{Instance}] timed out on {RequestId}; killing the process")]
    private static partial void LogTimedOut(ILogger logger, string functionName, int instance, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogFunctionLine(ILogger logger, string line);
}
