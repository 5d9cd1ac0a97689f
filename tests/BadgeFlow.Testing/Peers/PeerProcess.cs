using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BadgeFlow.Testing.Peers;

/// <summary>
/// A peer program the integration tests start (moto_server, PostgreSQL): its output kept for the failure message, its
/// readiness polled until it answers, its whole process tree killed on dispose. The one home of the start, wait and stop
/// mechanics; each peer says only how to start it and how to ask whether it is ready.
/// </summary>
public sealed class PeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PeerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far, interleaved as it arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="start"/> with both output streams captured (the other settings are the caller's).</summary>
    public static PeerProcess Start(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.CreateNoWindow = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) => peer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Runs a helper command (initdb, pg_ctl) to its end; killed if <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        await using var peer = Start(start);
        await peer.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (peer.ExitCode, peer.Output);
    }

    /// <summary>Asks <paramref name="probe"/> every 100 ms until it says ready. Fails when the process exits first or
    /// <paramref name="patience"/> runs out; a probe treats "not listening yet" as false and lets other errors through.</summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan patience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        giveUp.CancelAfter(patience);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with code {_process.ExitCode}.");
            }

            if (await probe(giveUp.Token).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(ProbeInterval, giveUp.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the process to exit; kills it (and its children) if <paramref name="cancellationToken"/> fires first.</summary>
    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SIGKILL to the whole process tree (no shutdown code runs), then waits for it to go.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone (or disposed by an earlier call).
        }
    }

    /// <summary>Kills the process tree if it still runs, waits for it to go, and releases the process.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>A loopback port free at the time of asking (a peer binding it later may race another; callers that can
    /// tell a bind failure retry).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first <paramref name="name"/> in <paramref name="directories"/> and then on PATH, or null.</summary>
    public static string? Find(string name, params string[] directories) =>
        directories.Concat(PathDirectories()).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public static IEnumerable<string> PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
