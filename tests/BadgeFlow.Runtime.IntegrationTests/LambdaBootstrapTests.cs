using System.Text;
using System.Text.Json;
using BadgeFlow.Testing.Runtime;
using BadgeFlow.Testing.Scripted;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Runtime.Tests;

/// <summary>The runtime loop against a fake Runtime API served over HTTP. The loop sets the process-wide
/// _X_AMZN_TRACE_ID variable, so these tests run one at a time.</summary>
[Collection(RuntimeLoopCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LambdaBootstrapTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_NormalInvocation_PostsSerializedResponse()
    {
        string? seenRequestId = null;
        string? seenArn = null;
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((request, context) =>
        {
            seenRequestId = context.AwsRequestId;
            seenArn = context.InvokedFunctionArn;
            return Task.FromResult(new GreetingResponse($"hello {request.Name} x{request.Count}"));
        }));

        var invocation = loop.Api.Enqueue("""{"name":"gate-a","count":3}""", new FakeInvocationOptions
        {
            RequestId = "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
            FunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:transform",
        });
        var result = await invocation.WaitAsync();

        Assert.False(result.IsError);
        Assert.Equal("application/json", result.ContentType);
        JsonAssert.Equal("""{"greeting":"hello gate-a x3"}""", result.BodyText);
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", seenRequestId);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:transform", seenArn);
        Assert.Equal(0, await loop.StopAsync());
        Assert.Empty(loop.Api.ProtocolViolations);
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_PostsErrorWithTypeMessageStackAndHeader()
    {
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((_, _) => Fail()));

        var result = await loop.Api.Enqueue("""{"name":"a","count":1}""").WaitAsync();

        Assert.True(result.IsError);
        Assert.Equal("Unhandled", result.FunctionErrorType);
        var body = result.Json;
        Assert.Equal("InvalidOperationException", body.GetProperty("errorType").GetString());
        Assert.Equal("zone registry unavailable", body.GetProperty("errorMessage").GetString());
        var stack = body.GetProperty("stackTrace");
        Assert.Equal(JsonValueKind.Array, stack.ValueKind);
        Assert.Contains(stack.EnumerateArray(), frame => frame.GetString()!.Contains(nameof(Fail), StringComparison.Ordinal));

        static async Task<GreetingResponse> Fail()
        {
            await Task.Yield();
            throw new InvalidOperationException("zone registry unavailable");
        }
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_LogsErrorWithRequestIdAndContinues()
    {
        var calls = 0;
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((request, _) =>
            Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("first call fails")
                : Task.FromResult(new GreetingResponse("ok " + request.Name))));

        var failed = await loop.Api.Enqueue("""{"name":"a","count":1}""", new FakeInvocationOptions { RequestId = "req-1" }).WaitAsync();
        var succeeded = await loop.Api.Enqueue("""{"name":"b","count":1}""", new FakeInvocationOptions { RequestId = "req-2" }).WaitAsync();

        Assert.True(failed.IsError);
        Assert.False(succeeded.IsError);
        JsonAssert.Equal("""{"greeting":"ok b"}""", succeeded.BodyText);
        var errorLine = LogLines(loop).Single(line => line.GetProperty("level").GetString() == "Error");
        Assert.Equal("req-1", errorLine.GetProperty("requestId").GetString());
        Assert.Equal("System.InvalidOperationException", errorLine.GetProperty("exception").GetProperty("type").GetString());
        Assert.Equal(0, await loop.StopAsync());
    }

    [Fact]
    public async Task RunAsync_EventNotReadable_PostsInvalidEventErrorWithoutPayloadAndContinues()
    {
        var handled = 0;
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((request, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.FromResult(new GreetingResponse("ok"));
        }));

        // A wrong type for "count", next to a value that must not be echoed anywhere.
        var wrongType = await loop.Api.Enqueue("""{"name":"BADGE-0042-SECRET","count":"three"}""").WaitAsync();
        var notJson = await loop.Api.Enqueue("{ this is not json").WaitAsync();
        var good = await loop.Api.Enqueue("""{"name":"x","count":1}""").WaitAsync();

        foreach (var error in new[] { wrongType, notJson })
        {
            Assert.True(error.IsError);
            Assert.Equal("Runtime.InvalidEvent", error.FunctionErrorType);
            Assert.Equal("Runtime.InvalidEvent", error.ErrorType);
            Assert.Contains(nameof(GreetingRequest), error.ErrorMessage, StringComparison.Ordinal);
        }

        Assert.Contains("$.count", wrongType.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("BADGE-0042-SECRET", wrongType.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("BADGE-0042-SECRET", loop.Log.ToString(), StringComparison.Ordinal);
        Assert.False(good.IsError);
        Assert.Equal(1, handled);
        Assert.Equal(0, await loop.StopAsync());
    }

    [Fact]
    public async Task RunAsync_ResponseWithBase64Characters_WrittenUnescaped()
    {
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((request, _) => Task.FromResult(new GreetingResponse(request.Name))));

        var result = await loop.Api.Enqueue("""{"name":"eyJ+Lz8/PiI=","count":1}""").WaitAsync();

        Assert.Equal("""{"greeting":"eyJ+Lz8/PiI="}""", result.BodyText);
    }

    [Fact]
    public async Task RunAsync_EventWithUtf8Bom_IsRead()
    {
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((request, _) => Task.FromResult(new GreetingResponse(request.Name))));

        byte[] payload = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"name":"bom","count":1}""")];
        var result = await loop.Api.Enqueue(payload).WaitAsync();

        Assert.False(result.IsError, result.BodyText);
        JsonAssert.Equal("""{"greeting":"bom"}""", result.BodyText);
    }

    [Fact]
    public async Task RunAsync_InitializerThrows_PostsInitErrorAndExitsNonZeroWithoutFetching()
    {
        await using var loop = await LoopHarness.StartAsync(
            (_, _) => Task.FromException<ILambdaHandler<GreetingRequest, GreetingResponse>>(new FileNotFoundException("campus file missing")));

        var initError = await loop.Api.WaitForInitErrorAsync();
        var exitCode = await loop.Run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotEqual(0, exitCode);
        Assert.Equal("Unhandled", initError.FunctionErrorType);
        Assert.Equal("FileNotFoundException", initError.Json.GetProperty("errorType").GetString());
        Assert.Equal("campus file missing", initError.Json.GetProperty("errorMessage").GetString());
        Assert.Equal(JsonValueKind.Array, initError.Json.GetProperty("stackTrace").ValueKind);
        Assert.Equal(0, loop.Api.NextRequestCount);
    }

    [Fact]
    public async Task RunAsync_InitializerReportsInvalidSettings_PostsConfigInvalidListingEveryVariable()
    {
        await using var loop = await LoopHarness.StartAsync((_, _) =>
        {
            var env = new EnvironmentSettings(_ => null);
            env.Required("DELIVERY_STREAM_NAME");
            env.Required("PSEUDONYMIZATION_KEY_PARAMETER");
            env.ThrowIfInvalid();
            return Task.FromResult<ILambdaHandler<GreetingRequest, GreetingResponse>>(new DelegateHandler((_, _) => Task.FromResult(new GreetingResponse("unused"))));
        });

        var initError = await loop.Api.WaitForInitErrorAsync();

        Assert.NotEqual(0, await loop.Run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("Runtime.ConfigInvalid", initError.FunctionErrorType);
        Assert.Equal("SettingsException", initError.Json.GetProperty("errorType").GetString());
        var message = initError.Json.GetProperty("errorMessage").GetString();
        Assert.Contains("DELIVERY_STREAM_NAME", message, StringComparison.Ordinal);
        Assert.Contains("PSEUDONYMIZATION_KEY_PARAMETER", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SeveralInvocations_InitializesOnceAndAnswersEachInOrder()
    {
        var initializations = 0;
        var order = new List<string>();
        await using var loop = await LoopHarness.StartAsync((_, _) =>
        {
            Interlocked.Increment(ref initializations);
            return Task.FromResult<ILambdaHandler<GreetingRequest, GreetingResponse>>(new DelegateHandler((request, context) =>
            {
                order.Add(context.AwsRequestId);
                return Task.FromResult(new GreetingResponse($"{request.Name}:{request.Count}"));
            }));
        });

        var invocations = Enumerable.Range(1, 5)
            .Select(i => loop.Api.Enqueue($$"""{"name":"n{{i}}","count":{{i * 10}}}""", new FakeInvocationOptions { RequestId = $"req-{i}" }))
            .ToList();
        var results = new List<FakeInvocationResult>();
        foreach (var invocation in invocations)
        {
            results.Add(await invocation.WaitAsync());
        }

        Assert.Equal(1, initializations);
        Assert.Equal(["req-1", "req-2", "req-3", "req-4", "req-5"], order);
        for (var i = 0; i < 5; i++)
        {
            Assert.False(results[i].IsError);
            JsonAssert.Equal($$"""{"greeting":"n{{i + 1}}:{{(i + 1) * 10}}"}""", results[i].BodyText);
        }

        Assert.Equal(0, await loop.StopAsync());
        Assert.Empty(loop.Api.ProtocolViolations);
    }

    [Fact]
    public async Task RunAsync_TraceHeader_ReachesContextAndEnvironmentAndIsClearedAfter()
    {
        const string Trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
        var seen = new List<(string? Context, string? Environment)>();
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((_, context) =>
        {
            seen.Add((context.TraceId, Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID")));
            return Task.FromResult(new GreetingResponse("ok"));
        }));

        await loop.Api.Enqueue("""{"name":"a","count":1}""", new FakeInvocationOptions { TraceId = Trace }).WaitAsync();
        await loop.Api.Enqueue("""{"name":"b","count":1}""").WaitAsync();

        Assert.Equal([(Trace, Trace), (null, null)], seen);
    }

    [Fact]
    public async Task RunAsync_Deadline_GivesRemainingTimeAndCancelsTokenBeforeDeadline()
    {
        var clock = new FakeTimeProvider(Start);
        var observations = new List<(TimeSpan Remaining, bool Cancelled)>();
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((_, context) =>
        {
            observations.Add((context.RemainingTime, context.CancellationToken.IsCancellationRequested));
            clock.Advance(TimeSpan.FromMilliseconds(2400));
            observations.Add((context.RemainingTime, context.CancellationToken.IsCancellationRequested));
            clock.Advance(TimeSpan.FromMilliseconds(200));
            observations.Add((context.RemainingTime, context.CancellationToken.IsCancellationRequested));
            clock.Advance(TimeSpan.FromMilliseconds(900));
            observations.Add((context.RemainingTime, context.CancellationToken.IsCancellationRequested));
            return Task.FromResult(new GreetingResponse("ok"));
        }), clock);

        var result = await loop.Api.Enqueue("""{"name":"a","count":1}""", new FakeInvocationOptions { Deadline = Start.AddSeconds(3) }).WaitAsync();

        Assert.False(result.IsError);

        // Deadline 3 s away, default margin 500 ms: the token fires at 2.5 s; remaining time never goes below zero.
        Assert.Equal(
            [
                (TimeSpan.FromSeconds(3), false),
                (TimeSpan.FromMilliseconds(600), false),
                (TimeSpan.FromMilliseconds(400), true),
                (TimeSpan.Zero, true),
            ],
            observations);
    }

    [Fact]
    public async Task RunAsync_DeadlineAlreadyWithinMargin_StartsWithCancelledToken()
    {
        var clock = new FakeTimeProvider(Start);
        bool? cancelled = null;
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((_, context) =>
        {
            cancelled = context.CancellationToken.IsCancellationRequested;
            return Task.FromResult(new GreetingResponse("ok"));
        }), clock);

        await loop.Api.Enqueue("""{"name":"a","count":1}""", new FakeInvocationOptions { Deadline = Start.AddMilliseconds(300) }).WaitAsync();

        Assert.True(cancelled);
    }

    [Fact]
    public async Task RunAsync_DeadlineBeyondTimerRange_TokenNeverFires()
    {
        var clock = new FakeTimeProvider(Start);
        bool? cancelled = null;
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((_, context) =>
        {
            cancelled = context.CancellationToken.IsCancellationRequested;
            return Task.FromResult(new GreetingResponse("ok"));
        }), clock);

        // 9999999999999 ms: year 2286, past the ~49.7-day limit of a timer.
        var result = await loop.Api.Enqueue("""{"name":"a","count":1}""", new FakeInvocationOptions { Deadline = DateTimeOffset.FromUnixTimeMilliseconds(9_999_999_999_999) }).WaitAsync();

        Assert.False(result.IsError, result.BodyText);
        Assert.False(cancelled);
    }

    [Fact]
    public async Task RunAsync_ResponseOverLimit_InvocationFailsAndLoopContinues()
    {
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((request, _) => Task.FromResult(new GreetingResponse(request.Name))));
        loop.Api.MaxResponseBytes = 64;

        var tooLarge = await loop.Api.Enqueue($$"""{"name":"{{new string('x', 100)}}","count":1}""").WaitAsync();
        var small = await loop.Api.Enqueue("""{"name":"ok","count":1}""").WaitAsync();

        Assert.True(tooLarge.IsError);
        Assert.Equal("Function.ResponseSizeTooLarge", tooLarge.FunctionErrorType);
        Assert.False(small.IsError);
        Assert.Equal(0, await loop.StopAsync());
    }

    [Fact]
    public async Task RunAsync_RuntimeApiGoesAway_ExitsNonZero()
    {
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((_, _) => Task.FromResult(new GreetingResponse("ok"))));
        await loop.Api.Enqueue("""{"name":"a","count":1}""").WaitAsync();

        await loop.Api.DisposeAsync();

        Assert.NotEqual(0, await loop.Run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(403)]
    public async Task RunAsync_NextRefused_ExitsNonZeroWithoutRetrying(int status)
    {
        await using var loop = await LoopHarness.StartAsync(new DelegateHandler((_, _) => Task.FromResult(new GreetingResponse("ok"))));
        loop.Api.NextFailureStatus = status;

        // The loop may already be waiting on a next call; this invocation releases it into the refusal.
        loop.Api.Enqueue("""{"name":"a","count":1}""");

        Assert.Equal(1, await loop.Run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(loop.Api.NextRequestCount <= 2, $"{loop.Api.NextRequestCount} next calls: the loop retried after a refusal.");
        Assert.Contains("The Runtime API is unusable", loop.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeApiClient_HttpClientWithFiniteTimeout_IsRefused()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9001/") };

        var error = Assert.Throws<ArgumentException>(() => new RuntimeApiClient(http));

        Assert.Contains("InfiniteTimeSpan", error.Message, StringComparison.Ordinal);
    }

    private static List<JsonElement> LogLines(LoopHarness loop) =>
        [.. loop.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RuntimeLoopCollection
{
    public const string Name = "Runtime loop";
}
