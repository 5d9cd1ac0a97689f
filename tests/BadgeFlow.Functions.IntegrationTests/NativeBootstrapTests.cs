using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BadgeFlow.Functions.Tests.Transform;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Moto;
using BadgeFlow.Testing.Runtime;
using BadgeFlow.Testing.Scripted;
using Xunit.Abstractions;

namespace BadgeFlow.Functions.Tests;

/// <summary>
/// Each function as it ships: the Native AOT <c>bootstrap</c> that <c>make build-&lt;LogicalId&gt;</c> left (built once per
/// run by tools/test.sh), started as Lambda starts it, behind the fake Runtime API, against peers: moto for Firehose, S3,
/// SSM and SNS, scripted endpoints for the Redshift Data API and CloudFormation's response URL. Each test also starts the
/// JIT build of the same function and writes both init times (process start to the first <c>next</c>) to the test output:
/// a measurement for the notes, never an assertion.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NativeBootstrapTests : IClassFixture<MotoServerFixture>
{
    // HMAC-SHA256 of "BADGE-100001" under TransformHarness's key (bytes 0..31), base64url, computed with Python's hmac.
    private const string Badge100001Hash = "pdQ4j9JYbtYu4ni5tQ8hTjZZa8SvBIonXZcdPqAUyvY";
    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(60);

    private readonly MotoServer _moto;
    private readonly ITestOutputHelper _output;

    public NativeBootstrapTests(MotoServerFixture moto, ITestOutputHelper output)
    {
        _moto = moto.Server;
        _output = output;
    }

    [Fact]
    public async Task ProducerBootstrap_ReadsPostedThroughApiGateway_ArePseudonymizedIntoMotoFirehoseAndS3()
    {
        using var resources = new MotoResources(_moto);
        await resources.CreateBucketAsync("native-producer");
        await resources.CreateS3DeliveryStreamAsync("native-producer-stream", "native-producer", "raw/");
        await resources.PutSecureStringAsync(TransformHarness.KeyParameter, TransformHarness.KeyBase64);
        var environment = MotoEnvironment();
        environment["DELIVERY_STREAM_NAME"] = "native-producer-stream";
        environment["PSEUDONYMIZATION_KEY_PARAMETER"] = TransformHarness.KeyParameter;
        environment["SENSOR_KEY_GROUPS"] = "local-venetian=venetian"; // the sample envelope's apiKeyId

        // The sam local sample's envelope, with reads timed now: the Producer validates readAt against its own clock.
        var readAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var request = JsonNode.Parse(await File.ReadAllTextAsync(RepositoryPaths.Repo("events", "producer", "json.json")))!;
        request["body"] = $$"""{"reads":[{"sensorId":"venetian-l2-expo-a-s01","badgeId":"BADGE-100001","readAt":"{{readAt}}","readId":"native-1"},{"sensorId":"not a sensor id","badgeId":"BADGE-100002","readAt":"{{readAt}}"}]}""";

        var (result, function) = await InvokeNativeAsync("ProducerFunction", environment, Encoding.UTF8.GetBytes(request.ToJsonString()));
        await using var _ = function;

        Assert.False(result.IsError, result.BodyText);
        Assert.Equal(207, result.Json.GetProperty("statusCode").GetInt32());
        using var body = JsonDocument.Parse(result.Json.GetProperty("body").GetString()!);
        Assert.Equal(1, body.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.RootElement.GetProperty("rejected").GetInt32());
        var delivered = string.Concat((await resources.GetObjectsAsync("native-producer", "raw/")).Select(Encoding.UTF8.GetString));
        Assert.Contains(Badge100001Hash, delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("BADGE-1000", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain(function.OutputLines.Concat(function.ErrorLines), l => l.Contains("BADGE-", StringComparison.Ordinal));
        await ReportInitTimesAsync("ProducerFunction", "BadgeFlow.Producer", environment);
    }

    [Fact]
    public async Task TransformBootstrap_MixedEvent_AnswersEveryRecordWithPseudonymizedRows()
    {
        using var resources = new MotoResources(_moto);
        await resources.PutSecureStringAsync(TransformHarness.KeyParameter, TransformHarness.KeyBase64);
        var environment = MotoEnvironment();
        environment["PSEUDONYMIZATION_KEY_PARAMETER"] = TransformHarness.KeyParameter;
        environment["CAMPUS_FILE"] = null;
        var mixed = await File.ReadAllBytesAsync(RepositoryPaths.Repo("events", "transform", "mixed.json"));

        var (result, function) = await InvokeNativeAsync("TransformFunction", environment, mixed);
        await using var _ = function;

        Assert.False(result.IsError, result.BodyText);
        var records = result.Json.GetProperty("records").EnumerateArray().ToList();
        using var request = JsonDocument.Parse(mixed);
        Assert.Equal(
            request.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("recordId").GetString()),
            records.Select(r => r.GetProperty("recordId").GetString()));
        Assert.Equal("Ok", records[0].GetProperty("result").GetString());
        Assert.Contains(records, r => r.GetProperty("result").GetString() == "ProcessingFailed");
        Assert.Contains(records, r => r.GetProperty("result").GetString() == "Dropped");
        var firstRow = Encoding.UTF8.GetString(Convert.FromBase64String(records[0].GetProperty("data").GetString()!)).Split('\n')[0];
        using var row = JsonDocument.Parse(firstRow);
        Assert.Equal(Badge100001Hash, row.RootElement.GetProperty("badge_hash").GetString());
        Assert.Equal("venetian-l2-expo-a", row.RootElement.GetProperty("zone_id").GetString());
        Assert.DoesNotContain(function.OutputLines.Concat(function.ErrorLines), l => l.Contains("BADGE-", StringComparison.Ordinal));
        await ReportInitTimesAsync("TransformFunction", "BadgeFlow.Transform", environment);
    }

    [Fact]
    public async Task AggregatorBootstrap_DensityStatementFails_FailsTheInvocationLoudlyWithRedshiftsError()
    {
        await using var redshift = await ScriptedHttpEndpoint.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            redshift.Enqueue(DataApi(describeStatus: "FAILED", error: "ERROR: relation \"badge_reads\" does not exist"));
        }

        var environment = MotoEnvironment();
        environment["AWS_ENDPOINT_URL_REDSHIFT_DATA"] = redshift.Url.ToString();
        environment["REDSHIFT_DATABASE"] = "dev";
        environment["REDSHIFT_WORKGROUP_NAME"] = "badgeflow";
        environment["TOPIC_ARN"] = $"arn:aws:sns:{MotoServer.Region}:{MotoServer.AccountId}:native-reports";
        var schedule = await File.ReadAllBytesAsync(RepositoryPaths.Repo("events", "aggregator", "schedule.json"));

        var (result, function) = await InvokeNativeAsync("AggregatorFunction", environment, schedule);
        await using var _ = function;

        Assert.True(result.IsError, $"The Aggregator answered instead of failing: {result.BodyText}");
        Assert.Contains("badge_reads", result.BodyText, StringComparison.Ordinal);
        var targets = redshift.Requests.Select(r => r.Header("X-Amz-Target")).ToList();
        Assert.Equal("RedshiftData.ExecuteStatement", targets[0]);
        Assert.Contains("RedshiftData.DescribeStatement", targets);
        await ReportInitTimesAsync("AggregatorFunction", "BadgeFlow.Aggregator", environment);
    }

    [Fact]
    public async Task SchemaBootstrap_CreateEvent_RunsTheDdlBatchAndPutsSuccessToTheResponseUrl()
    {
        await using var redshift = await ScriptedHttpEndpoint.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            redshift.Enqueue(DataApi(describeStatus: "FINISHED"));
        }

        await using var cloudFormation = await ScriptedHttpEndpoint.StartAsync();
        cloudFormation.Enqueue(new ScriptedResponse(200));
        var request = JsonNode.Parse(await File.ReadAllTextAsync(RepositoryPaths.Repo("events", "aggregator", "schema-create.json")))!;
        var original = new Uri(request["ResponseURL"]!.GetValue<string>());
        request["ResponseURL"] = new Uri(cloudFormation.Url, original.PathAndQuery).ToString();
        var environment = MotoEnvironment();
        environment["AWS_ENDPOINT_URL_REDSHIFT_DATA"] = redshift.Url.ToString();
        environment["REDSHIFT_DATABASE"] = "dev";
        environment["REDSHIFT_WORKGROUP_NAME"] = "badgeflow";

        var (result, function) = await InvokeNativeAsync("SchemaFunction", environment, Encoding.UTF8.GetBytes(request.ToJsonString()));
        await using var _ = function;

        Assert.False(result.IsError, result.BodyText);
        var batch = redshift.Requests.First(r => r.Header("X-Amz-Target") == "RedshiftData.BatchExecuteStatement");
        using (var sent = JsonDocument.Parse(batch.Body))
        {
            var sqls = sent.RootElement.GetProperty("Sqls").EnumerateArray().Select(s => s.GetString()!).ToList();
            Assert.Contains(sqls, s => s.Contains("CREATE TABLE IF NOT EXISTS badge_reads", StringComparison.Ordinal));
            Assert.DoesNotContain(sqls, s => s.Contains("--", StringComparison.Ordinal));
            Assert.Equal("badgeflow", sent.RootElement.GetProperty("WorkgroupName").GetString());
        }

        var put = Assert.Single(cloudFormation.Requests);
        Assert.Equal("PUT", put.Method);
        using var answer = JsonDocument.Parse(put.Body);
        Assert.Equal("SUCCESS", answer.RootElement.GetProperty("Status").GetString());
        Assert.Equal(request["RequestId"]!.GetValue<string>(), answer.RootElement.GetProperty("RequestId").GetString());
        await ReportInitTimesAsync("SchemaFunction", "BadgeFlow.Schema", environment);
    }

    /// <summary>A Data API peer for one statement: Execute/BatchExecute get an id, Describe the given status.</summary>
    private static Func<RecordedRequest, ScriptedResponse> DataApi(string describeStatus, string? error = null) => request =>
        request.Header("X-Amz-Target") switch
        {
            "RedshiftData.ExecuteStatement" or "RedshiftData.BatchExecuteStatement" => ScriptedResponse.Json(200,
                """{"Id":"5e1b0d8c-0f6a-4a55-9d1e-3c2b1a0f9e8d","CreatedAt":1795601524.0,"Database":"dev","WorkgroupName":"badgeflow"}"""),
            "RedshiftData.DescribeStatement" => ScriptedResponse.Json(200, JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["Id"] = "5e1b0d8c-0f6a-4a55-9d1e-3c2b1a0f9e8d",
                ["Status"] = describeStatus,
                ["HasResultSet"] = false,
                ["ResultRows"] = -1,
                ["Duration"] = 1_000_000,
                ["Error"] = error,
            })),
            var other => ScriptedResponse.Json(400, $$"""{"__type":"ValidationException","message":"unexpected {{other}}"}"""),
        };

    private Dictionary<string, string?> MotoEnvironment() =>
        _moto.Environment.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);

    /// <summary>The running function and the fake Runtime API it serves; disposing stops both.</summary>
    private sealed record NativeFunction(FunctionProcess Process, FakeLambdaRuntimeApi RuntimeApi) : IAsyncDisposable
    {
        public IReadOnlyList<string> OutputLines => Process.OutputLines;

        public IReadOnlyList<string> ErrorLines => Process.ErrorLines;

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            await RuntimeApi.DisposeAsync();
        }
    }

    private static async Task<(FakeInvocationResult Result, NativeFunction Function)> InvokeNativeAsync(
        string functionId, IReadOnlyDictionary<string, string?> environment, byte[] payload)
    {
        var runtimeApi = await FakeLambdaRuntimeApi.StartAsync();
        var function = FunctionProcess.Start(NativeBootstraps.Path(functionId), runtimeApi, environment);
        var invocation = runtimeApi.Enqueue(payload);
        try
        {
            return (await invocation.WaitAsync(InvocationTimeout), new NativeFunction(function, runtimeApi));
        }
        catch (TimeoutException e)
        {
            var initError = runtimeApi.InitError.IsCompletedSuccessfully ? (await runtimeApi.InitError).BodyText : "none";
            var failure = $"{functionId}: {e.Message}\nexited: {function.HasExited}; init error: {initError}\nstdout: {string.Join("\n", function.OutputLines)}\nstderr: {string.Join("\n", function.ErrorLines)}";
            await new NativeFunction(function, runtimeApi).DisposeAsync();
            Assert.Fail(failure);
            throw;
        }
    }

    /// <summary>Starts the native and the JIT build once more, each with no invocation queued, and writes how long each
    /// took from process start to its first <c>next</c> (its init phase, as Lambda bills and reports it).</summary>
    private async Task ReportInitTimesAsync(string functionId, string assemblyName, IReadOnlyDictionary<string, string?> environment)
    {
        var native = await InitTimeAsync(NativeBootstraps.Path(functionId), environment);
        var jit = await InitTimeAsync(Path.Combine(AppContext.BaseDirectory, assemblyName), environment);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"init-time {functionId}: native {native.TotalMilliseconds:0} ms, JIT {jit.TotalMilliseconds:0} ms, ratio {jit / native:0.0}x");
        _output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("BADGEFLOW_INIT_TIMES_FILE") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, line + Environment.NewLine);
        }
    }

    private static async Task<TimeSpan> InitTimeAsync(string executable, IReadOnlyDictionary<string, string?> environment)
    {
        await using var runtimeApi = await FakeLambdaRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(executable, runtimeApi, environment);
        var firstNext = await runtimeApi.FirstNextTimestamp.WaitAsync(InvocationTimeout);
        return Stopwatch.GetElapsedTime(function.StartedTimestamp, firstNext);
    }
}
