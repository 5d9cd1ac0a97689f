using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Moto;
using BadgeFlow.Testing.Runtime;

namespace BadgeFlow.Functions.Tests.Transform;

/// <summary>The deployable artifact: Transform published as a Native AOT <c>bootstrap</c>, checked for Lambda's glibc and
/// run as Lambda runs it (fake Runtime API; SSM from moto_server).</summary>
[Trait("Category", "Integration")]
public sealed partial class TransformBootstrapTests
{
    // Lambda's managed dotnet10 runtime is Amazon Linux 2023: glibc 2.34.
    private static readonly Version MaxGlibc = new(2, 34);

    [Fact]
    public async Task Bootstrap_PublishedForLinuxX64_NeedsNoNewerGlibcAndTransformsTheMixedEvent()
    {
        var workDir = Path.Combine(Path.GetTempPath(), $"badgeflow-transform-{Guid.NewGuid():N}");
        var publishDir = Path.Combine(workDir, "publish");
        try
        {
            var project = RepositoryPaths.Repo("functions", "BadgeFlow.Transform", "BadgeFlow.Transform.csproj");
            // Its own artifacts path: the in-tree bin/obj belong to `dotnet test` and the local stack, which may run beside it.
            var (publishExit, publishOutput) = await RunAsync(
                "dotnet",
                ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", publishDir, "--artifacts-path", Path.Combine(workDir, "build"), "--nologo"], TimeSpan.FromMinutes(10));
            Assert.True(publishExit == 0, $"dotnet publish failed ({publishExit}):\n{publishOutput}");

            var bootstrap = Path.Combine(publishDir, "bootstrap");
            Assert.True(File.Exists(bootstrap), $"No bootstrap in {publishDir}: {string.Join(", ", Directory.GetFiles(publishDir).Select(Path.GetFileName))}");

            var (objdumpExit, symbols) = await RunAsync(FindOnPath("objdump"), ["-T", bootstrap], TimeSpan.FromMinutes(1));
            Assert.Equal(0, objdumpExit);
            var versions = GlibcVersion().Matches(symbols).Select(m => Version.Parse(m.Groups[1].Value)).Distinct().ToList();
            Assert.NotEmpty(versions);
            Assert.True(versions.Max() <= MaxGlibc, $"bootstrap needs GLIBC_{versions.Max()}, above {MaxGlibc}: {string.Join(", ", versions.Order())}");

            await using var moto = await MotoServer.StartAsync();
            await PutSecureStringAsync(moto, TransformHarness.KeyParameter, TransformHarness.KeyBase64);
            await using var runtimeApi = await FakeLambdaRuntimeApi.StartAsync();
            var environment = moto.Environment.ToDictionary(p => p.Key, p => (string?)p.Value);
            environment["PSEUDONYMIZATION_KEY_PARAMETER"] = TransformHarness.KeyParameter;
            environment["CAMPUS_FILE"] = null;
            await using var function = FunctionProcess.Start(bootstrap, runtimeApi, environment);

            var invocation = runtimeApi.Enqueue(await File.ReadAllBytesAsync(RepositoryPaths.Repo("events", "transform", "mixed.json")));
            FakeInvocationResult result;
            try
            {
                result = await invocation.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException e)
            {
                var initError = runtimeApi.InitError.IsCompletedSuccessfully ? (await runtimeApi.InitError).BodyText : "none";
                Assert.Fail(
                    $"{e.Message}\nexited: {function.HasExited}; init error: {initError}\nstdout: {string.Join("\n", function.OutputLines)}\nstderr: {string.Join("\n", function.ErrorLines)}");
                throw;
            }

            Assert.False(result.IsError, $"Invocation error: {result.BodyText}\nstdout: {string.Join("\n", function.OutputLines)}\nstderr: {string.Join("\n", function.ErrorLines)}");
            var records = result.Json.GetProperty("records").EnumerateArray().ToList();
            using var request = JsonDocument.Parse(await File.ReadAllBytesAsync(RepositoryPaths.Repo("events", "transform", "mixed.json")));
            Assert.Equal(
                request.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("recordId").GetString()),
                records.Select(r => r.GetProperty("recordId").GetString()));
            Assert.Equal(
                ["Ok", "ProcessingFailed", "ProcessingFailed", "Ok", "Ok", "ProcessingFailed", "Dropped", "Ok", "ProcessingFailed", "ProcessingFailed"],
                records.Select(r => r.GetProperty("result").GetString()));
            // Badge hash of BADGE-100001 under the test key, computed with Python hmac.
            var firstRow = Encoding.UTF8.GetString(Convert.FromBase64String(records[0].GetProperty("data").GetString()!)).Split('\n')[0];
            Assert.Equal(
                """{"read_id":"r-1001","read_at":"2026-11-25 10:00:00.000000","badge_hash":"pdQ4j9JYbtYu4ni5tQ8hTjZZa8SvBIonXZcdPqAUyvY","sensor_id":"venetian-l2-expo-a-s03","zone_id":"venetian-l2-expo-a","venue":"venetian","rssi":-61,"received_at":"2026-11-25 10:00:02.000000","source":"api"}""",
                firstRow);
            Assert.DoesNotContain(function.OutputLines, l => l.Contains("BADGE-", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(workDir))
            {
                Directory.Delete(workDir, recursive: true);
            }
        }
    }

    private static async Task PutSecureStringAsync(MotoServer moto, string name, string value)
    {
        using var http = new HttpClient { BaseAddress = moto.Url };
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["Name"] = name, ["Value"] = value, ["Type"] = "SecureString" }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        message.Headers.Add("X-Amz-Target", "AmazonSSM.PutParameter");

        // moto routes a request by the service in its credential scope (unsigned ones go to S3); it does not check the signature.
        message.Headers.TryAddWithoutValidation(
            "Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261125/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(message);
        Assert.True(response.IsSuccessStatusCode, $"moto PutParameter: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"{name} not found on PATH: this test reads the bootstrap's glibc symbol versions with it (apt-get install binutils)."));
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
