using System.Diagnostics;
using BadgeFlow.Testing.Peers;
using Xunit;

namespace BadgeFlow.Testing.Moto;

/// <summary>A <c>moto_server</c> (the AWS emulator on the machine image) on a free loopback port, started for the tests
/// and killed on dispose. Every service answers on the one URL.</summary>
public sealed class MotoServer : IAsyncDisposable
{
    /// <summary>The account moto uses unless told otherwise.</summary>
    public const string AccountId = "123456789012";
    public const string Region = "us-east-1";

    private readonly PeerProcess _process;

    private MotoServer(PeerProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The environment a function sees when pointed at this server: region, dummy credentials and
    /// <c>AWS_ENDPOINT_URL</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_REGION"] = Region,
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_ENDPOINT_URL"] = Url.ToString(),
    };

    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = PeerProcess.Find("moto_server")
            ?? throw new InvalidOperationException(
                "moto_server not found on PATH: these integration tests need the moto AWS emulator (pip install 'moto[server]').");

        var port = PeerProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo(executable);
        start.ArgumentList.Add("-H");
        start.ArgumentList.Add("127.0.0.1");
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var server = new MotoServer(PeerProcess.Start(start), new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await server._process.WaitUntilReadyAsync(token => AnswersAsync(http, server.Url, token), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var output = server._process.Output;
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"moto_server did not answer on port {port}: {e.Message}\nIts output:\n{output}", e);
        }

        return server;
    }

    /// <summary>Forgets every resource (between tests that need a clean slate).</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Url, "moto-api/reset"), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static async Task<bool> AnswersAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url, "moto-api/data.json"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // this probe timed out; try again
        }
    }
}

/// <summary>xunit class/collection fixture: one moto_server for the tests that share it.</summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("moto_server has not started.");

    public async Task InitializeAsync()
    {
        _server = await MotoServer.StartAsync().ConfigureAwait(false);
        using var resources = new MotoResources(_server);
        await resources.WarmUpSsmAsync().ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
