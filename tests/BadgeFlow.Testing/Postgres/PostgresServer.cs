using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Xunit;

namespace BadgeFlow.Testing.Postgres;

/// <summary>A result set as the tests read it: column names and PostgreSQL type names, rows of CLR values (DBNull as null).</summary>
public sealed record PostgresRows(IReadOnlyList<string> ColumnNames, IReadOnlyList<string> ColumnTypes, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// A throwaway PostgreSQL server for the tests (Debian's <c>postgresql</c> package, 15): a fresh cluster in a temporary
/// folder (data directory and unix socket both inside it), listening on a free loopback port, trust authentication for
/// one superuser, stopped and deleted on dispose. PostgreSQL refuses to run as root, so when the tests are root (CI is)
/// <c>initdb</c> and <c>postgres</c> run as the <c>postgres</c> system user the package creates (or <c>nobody</c>) through
/// <c>runuser</c>. The cluster uses the C locale: byte-order string comparison, as Redshift and DuckDB sort.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Where Debian's packages put the server binaries; searched after PATH.</summary>
    public const string DebianBinDirectory = "/usr/lib/postgresql/15/bin";

    public const string Superuser = "badgeflow";
    public const string Database = "postgres";

    private readonly Process _process;
    private readonly string _folder;
    private readonly string _dataDirectory;
    private readonly ServerTools _tools;
    private readonly StringBuilder _log;

    private PostgresServer(Process process, string folder, ServerTools tools, int port, StringBuilder log)
    {
        _process = process;
        _folder = folder;
        _dataDirectory = Path.Combine(folder, "data");
        _tools = tools;
        _log = log;
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Database = Database,
            Pooling = false,
            Timeout = 10,
            CommandTimeout = 60,
        }.ConnectionString;
    }

    public int Port { get; }

    /// <summary>For Npgsql: TCP on 127.0.0.1, trust authentication, no pooling (the server goes away with the fixture).</summary>
    public string ConnectionString { get; }

    /// <summary>The server's <c>SHOW server_version</c>, e.g. "15.18 (Debian 15.18-0+deb12u1)".</summary>
    public string Version { get; private set; } = "";

    /// <summary>Creates a cluster and starts the server; fails with a message naming what is missing or what the server said.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var tools = ServerTools.Find();
        var folder = Directory.CreateTempSubdirectory("badgeflow-pg-").FullName;
        try
        {
            if (tools.RunAs is not null && !OperatingSystem.IsWindows())
            {
                // The server's user creates data/ itself inside this folder, and puts its socket here.
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
            }

            var dataDirectory = Path.Combine(folder, "data");
            var initdb = await tools.RunToEndAsync(
                tools.InitDb, folder, cancellationToken,
                "-D", dataDirectory, "-U", Superuser, "--auth=trust", "--no-locale", "--encoding=UTF8", "--no-sync").ConfigureAwait(false);
            if (initdb.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed (exit {initdb.ExitCode}){tools.RunAsText}:\n{initdb.Output}");
            }

            return await LaunchAsync(tools, folder, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary>Runs one or more statements (a script: several statements separated by semicolons, no parameters).</summary>
    public async Task ExecuteScriptAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one statement with string parameters, as the Redshift Data API passes them: <c>:name</c> markers in the SQL
    /// (Npgsql's own parser turns them into positional ones, leaving <c>::</c> casts, literals and comments alone), each
    /// value sent as <c>text</c>, so the SQL casts it, exactly as on Redshift.
    /// </summary>
    public async Task<PostgresRows> QueryAsync(
        string sql, IReadOnlyDictionary<string, string?>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(sql, parameters, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        var types = new List<string>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            names.Add(reader.GetName(i));
            types.Add(reader.GetDataTypeName(i));
        }

        var rows = new List<IReadOnlyList<object?>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return new PostgresRows(names, types, rows);
    }

    /// <summary>Runs one statement with string parameters (as <see cref="QueryAsync"/>) and returns the rows it changed
    /// (INSERT, UPDATE, DELETE), e.g. a retention DELETE.</summary>
    public async Task<int> ExecuteAsync(
        string sql, IReadOnlyDictionary<string, string?>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(sql, parameters, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new open connection (the caller disposes it), for what the small API above does not cover.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Fast shutdown (pg_ctl stop -m fast), the process killed if it lingers, then the folder deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await _tools.RunToEndAsync(_tools.PgCtl, _folder, patience.Token, "-D", _dataDirectory, "-m", "fast", "-w", "stop").ConfigureAwait(false);
                    await _process.WaitForExitAsync(patience.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Fall through to the kill below.
                }

                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            TryDelete(_folder);
        }
    }

    private static NpgsqlCommand Command(string sql, IReadOnlyDictionary<string, string?>? parameters, NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters ?? new Dictionary<string, string?>())
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
        }

        return command;
    }

    private static async Task<PostgresServer> LaunchAsync(ServerTools tools, string folder, CancellationToken cancellationToken)
    {
        // A free port can be taken between probing and binding; a few attempts make that race harmless.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var log = new StringBuilder();
            var process = tools.Start(
                tools.Postgres, folder, log,
                "-D", Path.Combine(folder, "data"),
                "-p", port.ToString(CultureInfo.InvariantCulture),
                "-k", folder,
                "-c", "listen_addresses=127.0.0.1",
                // A test cluster: durability is not needed, speed is.
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "TimeZone=UTC");
            var server = new PostgresServer(process, folder, tools, port, log);
            try
            {
                await server.WaitUntilAcceptingAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var output = server.Log();
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                process.Dispose();
                if (attempt < 3 && output.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                throw new InvalidOperationException(
                    $"PostgreSQL ({tools.Postgres}{tools.RunAsText}) did not accept connections on 127.0.0.1:{port}: {e.Message}\nIts output:\n{output}", e);
            }
        }
    }

    private async Task WaitUntilAcceptingAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        giveUp.CancelAfter(patience);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"postgres exited with code {_process.ExitCode}.");
            }

            try
            {
                await using var connection = await OpenAsync(giveUp.Token).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SHOW server_version", connection);
                Version = (string?)await command.ExecuteScalarAsync(giveUp.Token).ConfigureAwait(false) ?? "";
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                // Not listening yet, or still starting up ("the database system is starting up").
            }

            await Task.Delay(100, giveUp.Token).ConfigureAwait(false);
        }
    }

    private string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; never fail a test over it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The server binaries and, when the tests run as root, the user and runuser that run them.</summary>
    private sealed record ServerTools(string InitDb, string Postgres, string PgCtl, string? RunUser, string? RunAs)
    {
        public string RunAsText => RunAs is null ? "" : $", run as '{RunAs}' through runuser";

        public static ServerTools Find()
        {
            string[] names = ["initdb", "postgres", "pg_ctl"];
            string[] directories = [DebianBinDirectory, .. PathDirectories()];
            var found = names.Select(name => directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)).ToArray();
            var missing = names.Where((_, i) => found[i] is null).ToArray();
            if (missing.Length > 0)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL not found: no {string.Join(", ", missing)} in {DebianBinDirectory} or on PATH. These integration tests "
                    + "need PostgreSQL 15's server binaries (Debian: apt-get install postgresql; .ci/run installs it).");
            }

            if (!System.Environment.IsPrivilegedProcess)
            {
                return new ServerTools(found[0]!, found[1]!, found[2]!, null, null);
            }

            // PostgreSQL will not run as root. The package's own system user when there is one, else nobody.
            string[] runusers = ["/usr/sbin/runuser", "/sbin/runuser", .. PathDirectories().Select(d => Path.Combine(d, "runuser"))];
            var runuser = runusers.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException(
                    "These tests run as root, which PostgreSQL refuses, and runuser (util-linux) was not found to run it as another user.");
            var user = UserExists("postgres") ? "postgres" : UserExists("nobody") ? "nobody"
                : throw new InvalidOperationException("These tests run as root, which PostgreSQL refuses, and there is neither a 'postgres' nor a 'nobody' user to run it as.");
            return new ServerTools(found[0]!, found[1]!, found[2]!, runuser, user);
        }

        public Process Start(string executable, string workingDirectory, StringBuilder log, params string[] arguments)
        {
            var start = new ProcessStartInfo(RunUser ?? executable)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                CreateNoWindow = true,
                // The server's user must be able to stay in its working directory.
                WorkingDirectory = workingDirectory,
            };
            if (RunUser is not null)
            {
                start.ArgumentList.Add("-u");
                start.ArgumentList.Add(RunAs!);
                start.ArgumentList.Add("--");
                start.ArgumentList.Add(executable);
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // Messages in English whatever the machine's locale, so a failure reads the same everywhere.
            start.Environment["LC_ALL"] = "C";
            start.Environment["LANG"] = "C";
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
            process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        public async Task<(int ExitCode, string Output)> RunToEndAsync(
            string executable, string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
        {
            var log = new StringBuilder();
            using var process = Start(executable, workingDirectory, log, arguments);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            lock (log)
            {
                return (process.ExitCode, log.ToString());
            }
        }

        private static IEnumerable<string> PathDirectories() =>
            (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

        private static bool UserExists(string name) =>
            File.Exists("/etc/passwd")
            && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(name + ":", StringComparison.Ordinal));
    }
}

/// <summary>xunit class/collection fixture: one PostgreSQL server for the tests that share it.</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL has not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
