using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using BadgeFlow.Testing.Peers;
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

    private readonly PeerProcess _process;
    private readonly string _folder;
    private readonly string _dataDirectory;
    private readonly ServerTools _tools;

    private PostgresServer(PeerProcess process, string folder, ServerTools tools, int port)
    {
        _process = process;
        _folder = folder;
        _dataDirectory = Path.Combine(folder, "data");
        _tools = tools;
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
                    // WaitForExitAsync killed it.
                }
            }
        }
        finally
        {
            await _process.DisposeAsync().ConfigureAwait(false);
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
            var port = PeerProcess.FreeLoopbackPort();
            var process = tools.Start(
                tools.Postgres, folder,
                "-D", Path.Combine(folder, "data"),
                "-p", port.ToString(CultureInfo.InvariantCulture),
                "-k", folder,
                "-c", "listen_addresses=127.0.0.1",
                // A test cluster: durability is not needed, speed is.
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "TimeZone=UTC");
            var server = new PostgresServer(process, folder, tools, port);
            try
            {
                await process.WaitUntilReadyAsync(server.AcceptsAsync, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var output = process.Output;
                await process.DisposeAsync().ConfigureAwait(false);
                if (attempt < 3 && output.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                throw new InvalidOperationException(
                    $"PostgreSQL ({tools.Postgres}{tools.RunAsText}) did not accept connections on 127.0.0.1:{port}: {e.Message}\nIts output:\n{output}", e);
            }
        }
    }

    /// <summary>Readiness: a connection that answers <c>SHOW server_version</c> (kept as <see cref="Version"/>).</summary>
    private async Task<bool> AcceptsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SHOW server_version", connection);
            Version = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? "";
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            return false; // not listening yet, or still starting up ("the database system is starting up")
        }
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
            var found = names.Select(name => PeerProcess.Find(name, DebianBinDirectory)).ToArray();
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
            var runuser = PeerProcess.Find("runuser", "/usr/sbin", "/sbin")
                ?? throw new InvalidOperationException(
                    "These tests run as root, which PostgreSQL refuses, and runuser (util-linux) was not found to run it as another user.");
            var user = UserExists("postgres") ? "postgres" : UserExists("nobody") ? "nobody"
                : throw new InvalidOperationException("These tests run as root, which PostgreSQL refuses, and there is neither a 'postgres' nor a 'nobody' user to run it as.");
            return new ServerTools(found[0]!, found[1]!, found[2]!, runuser, user);
        }

        public PeerProcess Start(string executable, string workingDirectory, params string[] arguments) =>
            PeerProcess.Start(StartInfo(executable, workingDirectory, arguments));

        public Task<(int ExitCode, string Output)> RunToEndAsync(
            string executable, string workingDirectory, CancellationToken cancellationToken, params string[] arguments) =>
            PeerProcess.RunToEndAsync(StartInfo(executable, workingDirectory, arguments), cancellationToken);

        private ProcessStartInfo StartInfo(string executable, string workingDirectory, string[] arguments)
        {
            // The server's user must be able to stay in its working directory.
            var start = new ProcessStartInfo(RunUser ?? executable) { RedirectStandardInput = false, WorkingDirectory = workingDirectory };
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
            return start;
        }

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
