using BadgeFlow.Testing.Runtime;

namespace BadgeFlow.Runtime.Tests;

/// <summary>Runs a <see cref="LambdaBootstrap{TRequest,TResponse}"/> against a <see cref="FakeLambdaRuntimeApi"/> over
/// real HTTP, capturing the function's log output.</summary>
internal sealed class LoopHarness : IAsyncDisposable
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly RuntimeApiClient _client;
    private readonly CancellationTokenSource _stopping = new();

    private LoopHarness(FakeLambdaRuntimeApi api, HttpClient http, RuntimeApiClient client, StringWriter log)
    {
        Api = api;
        _http = http;
        _client = client;
        Log = log;
    }

    public FakeLambdaRuntimeApi Api { get; }

    public StringWriter Log { get; }

    public Task<int> Run { get; private set; } = Task.FromResult(-1);

    public static async Task<LoopHarness> StartAsync(
        Func<JsonLogger, CancellationToken, Task<ILambdaHandler<GreetingRequest, GreetingResponse>>> initialize,
        TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        var api = await FakeLambdaRuntimeApi.StartAsync(time);
        var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var client = new RuntimeApiClient(http);
        var log = new StringWriter();
        var harness = new LoopHarness(api, http, client, log);
        var bootstrap = new LambdaBootstrap<GreetingRequest, GreetingResponse>(
            client,
            initialize,
            TestJsonContext.Default.GreetingRequest,
            TestJsonContext.Default.GreetingResponse,
            new JsonLogger(log, LogLevel.Debug, time),
            time);
        harness.Run = Task.Run(() => bootstrap.RunAsync(harness._stopping.Token));
        return harness;
    }

    public static Task<LoopHarness> StartAsync(ILambdaHandler<GreetingRequest, GreetingResponse> handler, TimeProvider? timeProvider = null) =>
        StartAsync((_, _) => Task.FromResult(handler), timeProvider);

    /// <summary>Stops the loop the way a test ends it and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stopping.CancelAsync();
        return await Run.WaitAsync(SafetyNet);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Run.WaitAsync(SafetyNet);
        }
        catch (TimeoutException)
        {
            // The test already failed on its own assertion; do not hide it.
        }

        await Api.DisposeAsync();
        _client.Dispose();
        _http.Dispose();
        _stopping.Dispose();
    }
}
