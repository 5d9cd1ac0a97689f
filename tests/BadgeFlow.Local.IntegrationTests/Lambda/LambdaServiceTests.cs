using System.Text.Json;
using BadgeFlow.Local.Lambda;
using Microsoft.Extensions.Logging.Abstractions;

namespace BadgeFlow.Local.Tests.Lambda;

/// <summary>The Lambda emulator against a runtime nobody here wrote in C#: a small Python client of the documented
/// Runtime API, so the wire (paths, headers, status codes) is what any runtime would see.</summary>
[Trait("Category", "Integration")]
public sealed class LambdaServiceTests : IAsyncLifetime
{
    private const string Runtime = """
        import json, os, sys, time, urllib.request
        base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
        def post(path, body, headers={}):
            urllib.request.urlopen(urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers=headers)).read()
        if os.environ.get("FAIL_INIT"):
            post("/init/error", {"errorMessage": "bad settings", "errorType": "Runtime.ConfigError"}, {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigError"})
            sys.exit(1)
        while True:
            with urllib.request.urlopen(base + "/invocation/next") as r:
                rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
                deadline = int(r.headers["Lambda-Runtime-Deadline-Ms"])
                arn = r.headers["Lambda-Runtime-Invoked-Function-Arn"]
                event = json.loads(r.read())
            action = event.get("action")
            if action == "crash":
                os._exit(3)
            if action == "sleep":
                time.sleep(event["seconds"])
            if action == "fail":
                post("/invocation/" + rid + "/error", {"errorMessage": "asked to fail", "errorType": "ScriptedFailure"}, {"Lambda-Runtime-Function-Error-Type": "ScriptedFailure"})
                continue
            post("/invocation/" + rid + "/response", {"echo": event, "requestId": rid, "arn": arn, "hasDeadline": deadline > 0, "custom": os.environ.get("CUSTOM")})
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("badgeflow-lambda-").FullName;
    private readonly LambdaService _lambda = new("us-east-1", "000000000000");

    public async Task InitializeAsync()
    {
        var python = FindPython();
        var script = Path.Combine(_directory, "runtime.py");
        await File.WriteAllTextAsync(script, Runtime);
        var environment = new Dictionary<string, string> { ["CUSTOM"] = "from-definition" };
        var failing = new Dictionary<string, string> { ["FAIL_INIT"] = "1" };
        await _lambda.StartAsync(
            [
                new FunctionDefinition("Echo", python, [script], environment, 2, TimeSpan.FromSeconds(2)),
                new FunctionDefinition("Broken", python, [script], failing, 1, TimeSpan.FromSeconds(2)),
            ],
            Path.Combine(_directory, "logs"),
            echo: false,
            NullLoggerFactory.Instance,
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _lambda.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task InvokeAsync_EchoFunction_ReturnsItsResponseWithTheRuntimeHeaders()
    {
        var result = await _lambda.InvokeAsync("Echo", """{"hello":"world"}""", CancellationToken.None);

        Assert.True(result.Succeeded, result.ErrorJson);
        using var response = JsonDocument.Parse(result.Payload!);
        Assert.Equal("world", response.RootElement.GetProperty("echo").GetProperty("hello").GetString());
        Assert.Equal(result.RequestId, response.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:Echo", response.RootElement.GetProperty("arn").GetString());
        Assert.True(response.RootElement.GetProperty("hasDeadline").GetBoolean());
        Assert.Equal("from-definition", response.RootElement.GetProperty("custom").GetString());
    }

    [Fact]
    public async Task InvokeAsync_FunctionPostsError_FailedWithItsErrorTypeAndBody()
    {
        var result = await _lambda.InvokeAsync("Echo", """{"action":"fail"}""", CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("ScriptedFailure", result.ErrorType);
        using var error = JsonDocument.Parse(result.ErrorJson!);
        Assert.Equal("asked to fail", error.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task InvokeAsync_ProcessCrashes_ExitErrorThenTheRestartedProcessServes()
    {
        var crashed = await _lambda.InvokeAsync("Echo", """{"action":"crash"}""", CancellationToken.None);
        var crashedAgain = await _lambda.InvokeAsync("Echo", """{"action":"crash"}""", CancellationToken.None);
        var after = await _lambda.InvokeAsync("Echo", """{"n":1}""", CancellationToken.None);

        Assert.Equal("Runtime.ExitError", crashed.ErrorType);
        Assert.Equal("Runtime.ExitError", crashedAgain.ErrorType);
        Assert.True(after.Succeeded, after.ErrorJson);
    }

    [Fact]
    public async Task InvokeAsync_RunsPastItsTimeout_TimedOutAndTheProcessIsReplaced()
    {
        var slow = await _lambda.InvokeAsync("Echo", """{"action":"sleep","seconds":30}""", TimeSpan.FromSeconds(1), CancellationToken.None);
        var after = await _lambda.InvokeAsync("Echo", """{"n":2}""", CancellationToken.None);

        Assert.False(slow.Succeeded);
        Assert.Equal("Sandbox.Timedout", slow.ErrorType);
        Assert.Contains("Task timed out after 1.00 seconds", slow.ErrorJson, StringComparison.Ordinal);
        Assert.True(after.Succeeded, after.ErrorJson);
    }

    [Fact]
    public async Task InvokeAsync_InitFails_InvocationFailsWithInitError()
    {
        var result = await _lambda.InvokeAsync("Broken", "{}", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(result.Succeeded);
        Assert.Equal("Runtime.InitError", result.ErrorType);
        Assert.Contains("bad settings", result.ErrorJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ManyConcurrentInvocations_EachAnsweredWithItsOwnPayload()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _lambda.InvokeAsync("Echo", $$"""{"n":{{i}}}""", CancellationToken.None)));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].Succeeded, results[i].ErrorJson);
            using var response = JsonDocument.Parse(results[i].Payload!);
            Assert.Equal(i, response.RootElement.GetProperty("echo").GetProperty("n").GetInt32());
        }
    }

    [Fact]
    public async Task InvokeAsync_UnknownFunction_ArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _lambda.InvokeAsync("Nope", "{}", CancellationToken.None));
    }

    private static string FindPython()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "python3");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("python3 was not found on PATH: the Lambda emulator tests run a Python Runtime API client as the function.");
    }
}
