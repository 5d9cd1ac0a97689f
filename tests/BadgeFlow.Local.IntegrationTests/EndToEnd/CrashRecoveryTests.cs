using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Tests.Support;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Peers;
using Xunit.Abstractions;

namespace BadgeFlow.Local.Tests.EndToEnd;

/// <summary>
/// Acknowledged means durable: `up` runs as its own process, reads flow in through the sensor API, the process tree is
/// killed with SIGKILL mid-load, `up` starts again on the same working directory, and every read the API acknowledged
/// (its 200/207 answers' acceptedReads) ends up in the warehouse file, the rows loaded before the kill included.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const string ApiKey = "crash-test-key";
    private readonly string _directory = Directory.CreateTempSubdirectory("badgeflow-crash-").FullName;
    private readonly List<PeerProcess> _processes = [];
    private readonly ITestOutputHelper _output;

    public CrashRecoveryTests(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Up_KilledMidLoadAndRestarted_EveryAcknowledgedReadIsInTheWarehouse()
    {
        var (awsPort, apiPort, dashboardPort) = (PeerProcess.FreeLoopbackPort(), PeerProcess.FreeLoopbackPort(), PeerProcess.FreeLoopbackPort());
        var work = Path.Combine(_directory, "work");
        var cli = new AwsCli(new Uri($"http://127.0.0.1:{awsPort}"), _directory);

        await FunctionBuilds.EnsureBuiltAsync();
        var first = await StartUpAsync(work, awsPort, apiPort, dashboardPort);
        var acknowledged = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var stopLoad = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 4).Select(sender => SendUntilStoppedAsync(http, apiPort, sender, acknowledged, stopLoad.Token)).ToArray();

        // At 60× virtual speed, 20 s of load is 20 virtual minutes: several COPYs land before the kill, and the last
        // minutes are still in Firehose's buffers when it comes.
        await Task.Delay(TimeSpan.FromSeconds(20));
        var loadedBeforeKill = await CountDistinctReadIdsAsync(cli);
        await first.KillAsync(); // SIGKILL: no shutdown code runs
        await stopLoad.CancelAsync();
        await Task.WhenAll(senders);
        var acknowledgedAtKill = acknowledged.Keys.ToHashSet(StringComparer.Ordinal);

        Assert.True(loadedBeforeKill > 0, "nothing was loaded before the kill: the test would not show the warehouse surviving");
        Assert.True(acknowledgedAtKill.Count > loadedBeforeKill, $"{acknowledgedAtKill.Count} acknowledged, {loadedBeforeKill} loaded: nothing was in flight at the kill");

        var second = await StartUpAsync(work, awsPort, apiPort, dashboardPort);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (await CountDistinctReadIdsAsync(cli) < acknowledgedAtKill.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await StopAsync(second);
        using var warehouse = BadgeFlow.Local.Warehouse.Warehouse.Open(Path.Combine(work, "warehouse.duckdb"));
        var loaded = warehouse.Execute("SELECT DISTINCT read_id FROM badge_reads", []).Records
            .Select(r => r[0].StringValue!).ToHashSet(StringComparer.Ordinal);
        _output.WriteLine($"acknowledged {acknowledgedAtKill.Count}, loaded before the kill {loadedBeforeKill}, distinct loaded after the restart {loaded.Count}");
        var missing = acknowledgedAtKill.Where(id => !loaded.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledgedAtKill.Count} acknowledged reads are not in the warehouse ({loaded.Count} loaded; {loadedBeforeKill} before the kill)");
    }

    /// <summary>Posts batches of 100 NDJSON reads with unique badges until stopped; records the read ids the API accepted.</summary>
    private static async Task SendUntilStoppedAsync(HttpClient http, int apiPort, int sender, ConcurrentDictionary<string, byte> acknowledged, CancellationToken stop)
    {
        var uri = new Uri($"http://127.0.0.1:{apiPort}/reads");
        for (var batch = 0; !stop.IsCancellationRequested; batch++)
        {
            var body = new StringBuilder();
            var readAt = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            for (var i = 0; i < 100; i++)
            {
                body.Append(CultureInfo.InvariantCulture, $$"""{"sensorId":"venetian-l2-keynote-hall-d-s01","badgeId":"CRASH-{{sender}}-{{batch}}-{{i}}","readAt":"{{readAt}}","rssi":-60}""").Append('\n');
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson") };
            request.Headers.Add("x-api-key", ApiKey);
            try
            {
                using var response = await http.SendAsync(request, stop);
                if ((int)response.StatusCode is 200 or 207)
                {
                    using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                    foreach (var read in answer.RootElement.GetProperty("acceptedReads").EnumerateArray())
                    {
                        acknowledged.TryAdd(read.GetProperty("readId").GetString()!, 0);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // The stack died under this request: it was never acknowledged.
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>`up --no-build`: the functions are built once per test process (FunctionBuilds), not by the stack.</summary>
    private async Task<PeerProcess> StartUpAsync(string work, int awsPort, int apiPort, int dashboardPort)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "badgeflow-local.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.RepositoryRoot };
        string[] arguments =
        [
            tool, "up", "--work", work, "--aws-port", Port(awsPort), "--api-port", Port(apiPort), "--dashboard-port", Port(dashboardPort),
            "--api-keys", $"venetian={ApiKey}", "--speed", "60", "--producers", "1", "--no-build",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = PeerProcess.Start(start);
        _processes.Add(process);
        try
        {
            await process.WaitUntilReadyAsync(
                _ => Task.FromResult(process.Output.Contains("local stack is up", StringComparison.Ordinal)), TimeSpan.FromMinutes(6), CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            Assert.Fail($"the local stack did not come up ({e.Message}):\n{process.Output}");
        }

        return process;
    }

    /// <summary>SIGTERM, as a process manager stops it: the stack shuts down and releases the warehouse file.</summary>
    private static async Task StopAsync(PeerProcess process)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
    }

    private static async Task<long> CountDistinctReadIdsAsync(AwsCli cli)
    {
        var id = (await cli.RunAsync("redshift-data", "execute-statement", "--workgroup-name", "badgeflow-local", "--database", "dev",
            "--sql", "SELECT count(DISTINCT read_id) FROM badge_reads")).GetProperty("Id").GetString()!;
        for (var i = 0; i < 100; i++)
        {
            var status = (await cli.RunAsync("redshift-data", "describe-statement", "--id", id)).GetProperty("Status").GetString();
            if (status == "FINISHED")
            {
                var result = await cli.RunAsync("redshift-data", "get-statement-result", "--id", id);
                return result.GetProperty("Records")[0][0].GetProperty("longValue").GetInt64();
            }

            Assert.True(status is "SUBMITTED" or "PICKED" or "STARTED", $"statement {status}");
            await Task.Delay(100);
        }

        throw new TimeoutException("The count did not finish.");
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
