using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BadgeFlow.Local.Sns;

namespace BadgeFlow.Local.Tests.Support;

/// <summary>
/// The whole local stack with the real functions, for the end-to-end tests: free ports, a fresh working directory
/// (deleted on dispose), one Producer instance, no schedule of its own (the tests invoke the Aggregator), and virtual
/// time starting at real time that runs ahead only when a test drains Firehose (the Producer checks readAt against its
/// receive time, which is virtual). The functions are built once per test process (<see cref="FunctionBuilds"/>), not by
/// each start. Each test's options adjust these.
/// </summary>
public sealed class PipelineStack : IAsyncDisposable
{
    private readonly List<PublishedMessage> _published = [];
    private readonly IDisposable _subscription;
    private readonly HttpClient _http = new();

    private PipelineStack(string directory, LocalStack stack)
    {
        WorkingDirectory = directory;
        Stack = stack;
        _subscription = stack.PublishedMessages.Subscribe(m =>
        {
            lock (_published)
            {
                _published.Add(m);
            }
        });
    }

    public string WorkingDirectory { get; }

    public LocalStack Stack { get; }

    /// <summary>Every message SNS has published since the stack started, in order.</summary>
    public IReadOnlyList<PublishedMessage> Published
    {
        get
        {
            lock (_published)
            {
                return [.. _published];
            }
        }
    }

    /// <summary>The start of the 15-minute window before the current one on the real clock (the Producer accepts reads
    /// at most 24 h old, and the current window is still open).</summary>
    public static DateTimeOffset PreviousWindowStart()
    {
        var now = TimeProvider.System.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero).AddMinutes(-15);
    }

    /// <summary>The timestamp shape the sensors send: UTC, whole seconds.</summary>
    public static string ReadAt(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static async Task<PipelineStack> StartAsync(
        string name, IReadOnlyDictionary<string, string> apiKeys, Func<LocalStackOptions, LocalStackOptions>? adjust = null)
    {
        await FunctionBuilds.EnsureBuiltAsync();
        var directory = Directory.CreateTempSubdirectory($"badgeflow-{name}-").FullName;
        var options = new LocalStackOptions
        {
            WorkingDirectory = directory,
            AwsPort = 0,
            SensorApiPort = 0,
            ProducerInstances = 1,
            RunSchedule = false,
            BuildFunctions = false,
            ApiKeys = apiKeys,
            VirtualStart = TimeProvider.System.GetUtcNow(),
            Speed = 1,
        };
        try
        {
            return new PipelineStack(directory, await LocalStack.StartAsync(adjust is null ? options : adjust(options), CancellationToken.None));
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>POSTs <c>{"reads":[…]}</c> to the sensor API with <paramref name="apiKey"/>; returns the status and body.</summary>
    public async Task<(int Status, string Body)> PostReadsAsync(string apiKey, IEnumerable<object> reads)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Stack.SensorApiUrl, "reads")) { Content = JsonContent.Create(new { reads }) };
        request.Headers.Add("x-api-key", apiKey);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Pushes virtual time along until Firehose has delivered and COPYed everything it holds.</summary>
    public Task DrainAsync() => Stack.DrainAsync(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), CancellationToken.None);

    /// <summary>Invokes the Aggregator as its schedule would at <paramref name="scheduledTime"/>; returns its answer.</summary>
    public async Task<JsonElement> RunScheduledAggregatorAsync(DateTimeOffset scheduledTime)
    {
        var run = await Stack.Functions.InvokeAsync(
            "Aggregator", $$"""{"scheduledTime":"{{ReadAt(scheduledTime)}}"}""", CancellationToken.None);
        Assert.True(run.Succeeded, run.ErrorJson);
        return JsonDocument.Parse(run.Payload!).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        _http.Dispose();
        await Stack.DisposeAsync();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
