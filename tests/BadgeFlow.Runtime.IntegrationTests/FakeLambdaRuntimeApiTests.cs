using System.Net;
using System.Text;
using BadgeFlow.Testing.Runtime;

namespace BadgeFlow.Runtime.Tests;

/// <summary>The fake Runtime API itself, checked with plain HTTP calls and with the shell-and-curl custom runtime of
/// AWS's custom runtime tutorial, a client written to AWS's documentation rather than to this code.</summary>
[Trait("Category", "Integration")]
public sealed class FakeLambdaRuntimeApiTests : IDisposable
{
    private readonly DirectoryInfo _scripts = Directory.CreateTempSubdirectory("badgeflow-runtime-");

    public void Dispose() => _scripts.Delete(recursive: true);

    [Fact]
    public async Task Next_InvocationQueuedLater_LongPollsThenAnswersWithHeaders()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

        var next = http.GetAsync("2018-06-01/runtime/invocation/next");
        await WaitUntilAsync(() => api.NextRequestCount == 1);
        Assert.False(next.IsCompleted);

        var deadline = new DateTimeOffset(2026, 11, 25, 10, 0, 3, TimeSpan.Zero);
        api.Enqueue("""{"a":1}""", new FakeInvocationOptions { RequestId = "req-1", Deadline = deadline, TraceId = "Root=1-abc", FunctionArn = "arn:fn" });
        using var response = await next.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req-1", response.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single());
        Assert.Equal("1795600803000", response.Headers.GetValues("Lambda-Runtime-Deadline-Ms").Single());
        Assert.Equal("arn:fn", response.Headers.GetValues("Lambda-Runtime-Invoked-Function-Arn").Single());
        Assert.Equal("Root=1-abc", response.Headers.GetValues("Lambda-Runtime-Trace-Id").Single());
        Assert.Equal("""{"a":1}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Response_UnknownRequestId_Answers400AndRecordsViolation()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var http = new HttpClient { BaseAddress = api.BaseAddress };

        using var response = await http.PostAsync("2018-06-01/runtime/invocation/nobody/response", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(api.ProtocolViolations, v => v.Contains("nobody", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Response_SecondAnswerForSameInvocation_Answers400()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        var invocation = api.Enqueue("{}", new FakeInvocationOptions { RequestId = "req-1" });
        (await http.GetAsync("2018-06-01/runtime/invocation/next")).Dispose();

        using var first = await http.PostAsync("2018-06-01/runtime/invocation/req-1/response", new StringContent("1"));
        using var second = await http.PostAsync("2018-06-01/runtime/invocation/req-1/error", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.False((await invocation.WaitAsync()).IsError);
    }

    [Fact]
    public async Task FunctionProcess_AwsTutorialShellRuntime_EchoesEachEvent()
    {
        var curl = RequireOnPath("curl");
        var script = WriteScript(
            "bootstrap",
            $$"""
            #!/bin/sh
            # The custom runtime of AWS's tutorial: fetch, handle, respond, forever.
            set -eu
            while true; do
              HEADERS="$(mktemp)"
              EVENT_DATA=$({{curl}} -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
              REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              {{curl}} -sS -o /dev/null "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "{\"echo\":$EVENT_DATA}"
            done
            """);
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(script, api);

        var first = await api.Enqueue("""{"n":1}""").WaitAsync();
        var second = await api.Enqueue("""{"n":2}""").WaitAsync();

        JsonAssert.Equal("""{"echo":{"n":1}}""", first.BodyText);
        JsonAssert.Equal("""{"echo":{"n":2}}""", second.BodyText);
        Assert.Empty(api.ProtocolViolations);
    }

    [Fact]
    public async Task FunctionProcess_ShellRuntimeFailingInit_PostsInitErrorAndExits()
    {
        var curl = RequireOnPath("curl");
        var script = WriteScript(
            "bootstrap-init-error",
            $$"""
            #!/bin/sh
            {{curl}} -sS -o /dev/null "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/init/error" \
              -H "Lambda-Runtime-Function-Error-Type: Unhandled" \
              -d '{"errorMessage":"Failed to load function.","errorType":"InvalidFunctionException"}'
            exit 3
            """);
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(script, api);

        var initError = await api.WaitForInitErrorAsync();

        Assert.Equal(3, await function.WaitForExitAsync());
        Assert.Equal("Unhandled", initError.FunctionErrorType);
        Assert.Equal("InvalidFunctionException", initError.Json.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task FunctionProcess_MissingExecutable_FailsNamingIt()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();

        var error = Assert.Throws<FileNotFoundException>(() => FunctionProcess.Start("/nonexistent/bootstrap", api));

        Assert.Contains("/nonexistent/bootstrap", error.Message, StringComparison.Ordinal);
    }

    private static string RequireOnPath(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{tool} not found on PATH: this test runs AWS's shell-and-{tool} custom runtime against the fake Runtime API.");
        return tool;
    }

    private string WriteScript(string name, string text)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("These tests run a POSIX shell script as the function; run them on Linux, as Lambda does.");
        }

        var path = Path.Combine(_scripts.FullName, name);
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Polls a state change on another thread; the limit is a safety net, not a measurement.
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "The condition did not become true.");
    }
}
