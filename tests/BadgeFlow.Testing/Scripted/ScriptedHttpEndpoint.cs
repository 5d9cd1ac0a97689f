using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Testing.Scripted;

/// <summary>One scripted answer: status, headers, body, and an optional delay before answering (for timeouts).</summary>
public sealed record ScriptedResponse(int StatusCode, string Body = "", IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    public static ScriptedResponse Json(int statusCode, string body, string? requestId = null) => new(
        statusCode,
        body,
        new Dictionary<string, string>
        {
            ["Content-Type"] = "application/x-amz-json-1.1",
            ["x-amzn-RequestId"] = requestId ?? "scripted-request-id",
        });

    public static ScriptedResponse Xml(int statusCode, string body) => new(statusCode, body, new Dictionary<string, string> { ["Content-Type"] = "text/xml" });
}

/// <summary>A request the endpoint received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>An HTTP endpoint on a free loopback port (Kestrel) that answers a queued script of responses in order and
/// records every request: the fault injector for client and function tests. A response may be computed from the request
/// (to echo a partial failure for exactly the records sent). With the script exhausted it answers 599 so an unexpected
/// extra call fails the test visibly.</summary>
public sealed class ScriptedHttpEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<RecordedRequest, ScriptedResponse>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ScriptedHttpEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int Remaining => _script.Count;

    public static async Task<ScriptedHttpEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ScriptedHttpEndpoint? endpoint = null;
        app.Run(context => endpoint!.AnswerAsync(context));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            : null;
        endpoint = new ScriptedHttpEndpoint(app, new Uri((address ?? throw new InvalidOperationException("Kestrel reported no address.")) + "/"));
        return endpoint;
    }

    public ScriptedHttpEndpoint Enqueue(params ScriptedResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(_ => response);
        }

        return this;
    }

    public ScriptedHttpEndpoint Enqueue(Func<RecordedRequest, ScriptedResponse> respond)
    {
        _script.Enqueue(respond);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, buffer.ToArray());
        _requests.Enqueue(request);

        var response = _script.TryDequeue(out var next)
            ? next(request)
            : new ScriptedResponse(599, "the scripted endpoint has no response left for this request");
        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // The client gave up (its timeout): nothing to answer.
            }
        }

        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = value;
            }
            else
            {
                context.Response.Headers[name] = value;
            }
        }

        await context.Response.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
