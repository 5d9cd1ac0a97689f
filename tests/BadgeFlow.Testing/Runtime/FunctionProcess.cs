using System.Collections.Concurrent;
using System.Diagnostics;

namespace BadgeFlow.Testing.Runtime;

/// <summary>
/// A function executable (a published <c>bootstrap</c>, or any custom runtime) started as Lambda starts it:
/// <c>AWS_LAMBDA_RUNTIME_API</c> points at a <see cref="FakeLambdaRuntimeApi"/>, stdout and stderr are captured line by
/// line, and disposing kills the process tree.
/// </summary>
public sealed class FunctionProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();

    private FunctionProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The <see cref="Stopwatch"/> timestamp just before the process was started.</summary>
    public long StartedTimestamp { get; private set; }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Lines the function wrote to stdout so far (its JSON logs and EMF lines).</summary>
    public IReadOnlyList<string> OutputLines => [.. _output];

    /// <summary>Lines the function wrote to stderr so far.</summary>
    public IReadOnlyList<string> ErrorLines => [.. _error];

    /// <summary>Starts <paramref name="executablePath"/> against <paramref name="runtimeApi"/>.</summary>
    /// <param name="executablePath">The executable; a clear <see cref="FileNotFoundException"/> names it when missing.</param>
    /// <param name="runtimeApi">The fake Runtime API the function will serve.</param>
    /// <param name="environment">Further variables (a null value removes an inherited one). The test process's own
    /// environment is inherited, as Lambda's environment would be there.</param>
    /// <param name="arguments">Command-line arguments, if any.</param>
    public static FunctionProcess Start(
        string executablePath,
        FakeLambdaRuntimeApi runtimeApi,
        IReadOnlyDictionary<string, string?>? environment = null,
        params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(executablePath);
        ArgumentNullException.ThrowIfNull(runtimeApi);
        if (!File.Exists(executablePath))
        {
            throw new FileNotFoundException(
                $"The function executable {executablePath} does not exist; publish the function first (dotnet publish -c Release -r linux-x64).",
                executablePath);
        }

        var start = new ProcessStartInfo(executablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(executablePath))!,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.Address;
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    start.Environment.Remove(name);
                }
                else
                {
                    start.Environment[name] = value;
                }
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var function = new FunctionProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                function._output.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                function._error.Enqueue(e.Data);
            }
        };

        function.StartedTimestamp = Stopwatch.GetTimestamp();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{executablePath} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return function;
    }

    /// <summary>Waits for the process to end and returns its exit code; fails with the captured stderr after
    /// <paramref name="timeout"/> (10 s by default).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The function process did not exit within {limit.TotalSeconds:0.#} s. stderr: {string.Join(" | ", ErrorLines)}");
        }

        // The exit event can precede the last asynchronous line callbacks; this waits for them.
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills the process tree if it is still running.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
