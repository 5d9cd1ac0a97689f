using System.Text;
using System.Text.Json;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;
using BadgeFlow.Transform;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Functions.Tests.Transform;

/// <summary>A parameter store holding fixed values; records which names were asked for.</summary>
internal sealed class FakeParameterStore(IReadOnlyDictionary<string, string> values) : IParameterStore
{
    public List<string> Requested { get; } = [];

    public Task<string> GetSecureStringAsync(string name, CancellationToken cancellationToken)
    {
        Requested.Add(name);
        return values.TryGetValue(name, out var value)
            ? Task.FromResult(value)
            : throw new KeyNotFoundException($"No parameter {name} in the fake store.");
    }
}

/// <summary>A Transform handler built through the real start-up path, with its log and metrics captured.</summary>
internal sealed class TransformHarness
{
    public const string KeyParameter = "/badgeflow/test/pseudonymization-key";

    /// <summary>Bytes 0x00..0x1F; the events in events/transform/ were generated with the same key.</summary>
    public const string KeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    public static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 2, 0, TimeSpan.Zero);

    private TransformHarness(ILambdaHandler<FirehoseTransformationEvent, FirehoseTransformationResponse> handler, StringWriter output, FakeParameterStore store, JsonLogger logger)
    {
        Handler = handler;
        Output = output;
        Store = store;
        Logger = logger;
    }

    public ILambdaHandler<FirehoseTransformationEvent, FirehoseTransformationResponse> Handler { get; }

    /// <summary>Everything the function wrote: log lines and EMF metric lines.</summary>
    public StringWriter Output { get; }

    public FakeParameterStore Store { get; }

    public JsonLogger Logger { get; }

    public static async Task<TransformHarness> CreateAsync(string? campusFile = null)
    {
        var output = new StringWriter();
        var time = new FakeTimeProvider(Now);
        var logger = new JsonLogger(output, BadgeFlow.Runtime.LogLevel.Debug, time);
        var store = new FakeParameterStore(new Dictionary<string, string> { [KeyParameter] = KeyBase64 });
        var handler = await TransformStartup.CreateHandlerAsync(
            new TransformSettings(KeyParameter, campusFile, "BadgeFlowTest"), store, logger, output, time, CancellationToken.None);
        return new TransformHarness(handler, output, store, logger);
    }

    public LambdaContext Context() =>
        new("8f1c2d3e-0000-4000-8000-000000000001", "arn:aws:lambda:us-east-1:123456789012:function:badgeflow-transform",
            null, Now.AddMinutes(5), new FakeTimeProvider(Now), Logger);

    public static FirehoseTransformationEvent LoadEvent(string name)
    {
        var json = File.ReadAllText(RepositoryPaths.Repo("events", "transform", name));
        return JsonSerializer.Deserialize(json, EventsJsonContext.Default.FirehoseTransformationEvent)
            ?? throw new InvalidOperationException($"{name} is JSON null.");
    }

    public static string Decode(FirehoseTransformationResult result) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(result.Data ?? throw new InvalidOperationException("No data.")));

    public static string[] Lines(FirehoseTransformationResult result) =>
        Decode(result).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
