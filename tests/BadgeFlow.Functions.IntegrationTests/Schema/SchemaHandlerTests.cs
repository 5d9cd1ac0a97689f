using System.Text.Json;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Functions.Tests.Aggregator;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Schema;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Scripted;
using BadgeFlow.Testing.Time;

namespace BadgeFlow.Functions.Tests.Schema;

/// <summary>The custom resource must answer CloudFormation's pre-signed URL in every path; the URL here is a scripted
/// HTTP endpoint that records the PUT.</summary>
[Trait("Category", "Integration")]
public sealed class SchemaHandlerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly SteppingTimeProvider _time = new(Now);
    private readonly FakeRedshiftData _redshift = new() { HasResultSet = false };
    private readonly StringWriter _logs = new();
    private readonly HttpClient _http = new();
    private ScriptedHttpEndpoint _cloudFormation = null!;

    public async Task InitializeAsync() => _cloudFormation = await ScriptedHttpEndpoint.StartAsync();

    public async Task DisposeAsync()
    {
        await _cloudFormation.DisposeAsync();
        _http.Dispose();
    }

    private SchemaHandler Handler(int timeoutSeconds = 120)
    {
        var settings = SchemaSettings.Read(new EnvironmentSettings(new Dictionary<string, string>
        {
            ["REDSHIFT_DATABASE"] = "dev",
            ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow",
            ["STATEMENT_TIMEOUT_SECONDS"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.GetValueOrDefault));
        var runner = new StatementRunner(_redshift, _time, StatementRunnerOptions.FromTimeout(settings.StatementTimeout));
        return new SchemaHandler(settings, runner, new HttpCloudFormationResponder(_http, _time), _time, WarehouseSchema.Statements);
    }

    /// <summary>The sample event with its ResponseURL pointed at the scripted endpoint (same path and signed query).</summary>
    private CloudFormationCustomResourceRequest Event(string name)
    {
        var json = File.ReadAllText(RepositoryPaths.Repo("events", "aggregator", name));
        var request = JsonSerializer.Deserialize(json, EventsJsonContext.Default.CloudFormationCustomResourceRequest)!;
        var original = new Uri(request.ResponseUrl);
        return new CloudFormationCustomResourceRequest
        {
            RequestType = request.RequestType,
            ResponseUrl = new Uri(_cloudFormation.Url, original.PathAndQuery).ToString(),
            StackId = request.StackId,
            RequestId = request.RequestId,
            ResourceType = request.ResourceType,
            LogicalResourceId = request.LogicalResourceId,
            PhysicalResourceId = request.PhysicalResourceId,
            ResourceProperties = request.ResourceProperties,
            OldResourceProperties = request.OldResourceProperties,
        };
    }

    private LambdaContext Context(TimeSpan? remaining = null) => TestContext.Create(_time, _logs, remaining ?? TimeSpan.FromMinutes(5));

    private (RecordedRequest Put, JsonElement Body) SinglePut()
    {
        var put = Assert.Single(_cloudFormation.Requests);
        using var body = JsonDocument.Parse(put.Body);
        return (put, body.RootElement.Clone());
    }

    [Fact]
    public async Task HandleAsync_CreateSucceeds_RunsDdlAndPutsSuccess()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));
        _redshift.Statuses(StatementStatus.Submitted, StatementStatus.Started);
        var request = Event("schema-create.json");

        var response = await Handler().HandleAsync(request, Context());

        var batch = Assert.Single(_redshift.Batches);
        Assert.Equal(WarehouseSchema.Statements, batch.Sqls);
        Assert.Contains("CREATE TABLE IF NOT EXISTS badge_reads", batch.Sqls[0], StringComparison.Ordinal);
        Assert.Equal("badgeflow", batch.Target.WorkgroupName);

        var (put, body) = SinglePut();
        Assert.Equal("PUT", put.Method);
        // The pre-signed query string travels unchanged (the server decodes parts of the recorded path).
        Assert.EndsWith(new Uri(request.ResponseUrl).Query, put.Path, StringComparison.Ordinal);
        Assert.Contains("WarehouseSchema", put.Path, StringComparison.Ordinal);
        // The URL was signed without a Content-Type: the PUT sends an empty one, as CloudFormation documents.
        Assert.True(string.IsNullOrEmpty(put.Header("Content-Type")), $"Content-Type was '{put.Header("Content-Type")}'");
        Assert.Equal("SUCCESS", body.GetProperty("Status").GetString());
        Assert.Equal(request.StackId, body.GetProperty("StackId").GetString());
        Assert.Equal(request.RequestId, body.GetProperty("RequestId").GetString());
        Assert.Equal("WarehouseSchema", body.GetProperty("LogicalResourceId").GetString());
        Assert.Equal("badgeflow-schema:badgeflow:dev", body.GetProperty("PhysicalResourceId").GetString());
        Assert.Equal("badge_reads", body.GetProperty("Data").GetProperty("TableName").GetString());
        Assert.Equal(CloudFormationCustomResourceStatus.Success, response.Status);
    }

    [Fact]
    public async Task HandleAsync_CreateFails_PutsFailedWithRedshiftError()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));
        _redshift.Statuses(StatementStatus.Started, StatementStatus.Failed);
        _redshift.Error = "ERROR: permission denied for schema public";

        var response = await Handler().HandleAsync(Event("schema-create.json"), Context());

        var (_, body) = SinglePut();
        Assert.Equal("FAILED", body.GetProperty("Status").GetString());
        Assert.Contains("permission denied for schema public", body.GetProperty("Reason").GetString(), StringComparison.Ordinal);
        // CloudFormation sends Delete with this id during rollback; it must be the one a retry would use too.
        Assert.Equal("badgeflow-schema:badgeflow:dev", body.GetProperty("PhysicalResourceId").GetString());
        Assert.Equal(CloudFormationCustomResourceStatus.Failed, response.Status);
    }

    [Fact]
    public async Task HandleAsync_Update_RerunsIdempotentDdlKeepingPhysicalId()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));

        await Handler().HandleAsync(Event("schema-update.json"), Context());

        Assert.Single(_redshift.Batches);
        var (_, body) = SinglePut();
        Assert.Equal("SUCCESS", body.GetProperty("Status").GetString());
        Assert.Equal("badgeflow-schema:badgeflow:dev", body.GetProperty("PhysicalResourceId").GetString());
        Assert.Equal("1d4e7a2b-9c3f-4e58-b6a1-8f2d5c9e0b74", body.GetProperty("RequestId").GetString());
    }

    [Fact]
    public async Task HandleAsync_Delete_SucceedsWithoutTouchingTheWarehouse()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));

        await Handler().HandleAsync(Event("schema-delete.json"), Context());

        Assert.Empty(_redshift.Batches);
        Assert.Empty(_redshift.Executed);
        var (_, body) = SinglePut();
        Assert.Equal("SUCCESS", body.GetProperty("Status").GetString());
        Assert.Equal("badgeflow-schema:badgeflow:dev", body.GetProperty("PhysicalResourceId").GetString());
    }

    [Fact]
    public async Task HandleAsync_DdlOutlivesInvocation_CancelsAndPutsFailedBeforeDeadline()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));
        _redshift.FinalStatus = StatementStatus.Started;
        var deadline = Now + TimeSpan.FromSeconds(40);

        var response = await Handler(timeoutSeconds: 120).HandleAsync(Event("schema-create.json"), Context(TimeSpan.FromSeconds(40)));

        var (_, body) = SinglePut();
        Assert.Equal("FAILED", body.GetProperty("Status").GetString());
        Assert.Contains("did not finish in time", body.GetProperty("Reason").GetString(), StringComparison.Ordinal);
        Assert.Single(_redshift.Cancelled);
        // The DDL got the invocation's time less the reserve for answering; the answer went out before the deadline.
        Assert.Equal(deadline - SchemaHandler.ResponseReserve, _time.GetUtcNow());
        Assert.Equal(CloudFormationCustomResourceStatus.Failed, response.Status);
    }

    [Fact]
    public async Task HandleAsync_StatementTimeoutSetting_FailsAfterIt()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));
        _redshift.FinalStatus = StatementStatus.Started;

        await Handler(timeoutSeconds: 5).HandleAsync(Event("schema-update.json"), Context());

        var (_, body) = SinglePut();
        Assert.Equal("FAILED", body.GetProperty("Status").GetString());
        Assert.Equal(Now.AddSeconds(5), _time.GetUtcNow());
    }

    [Fact]
    public async Task HandleAsync_DataApiRejectsCall_PutsFailed()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));
        var failing = new ThrowingRedshiftData(new BadgeFlow.Aws.AwsServiceException("RedshiftData", "ValidationException", "Workgroup badgeflow not found", 400, "r-1"));
        var settings = SchemaSettings.Read(new EnvironmentSettings(new Dictionary<string, string> { ["REDSHIFT_DATABASE"] = "dev", ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow" }.GetValueOrDefault));
        var handler = new SchemaHandler(settings, new StatementRunner(failing, _time, StatementRunnerOptions.FromTimeout(TimeSpan.FromSeconds(10))),
            new HttpCloudFormationResponder(_http, _time), _time, WarehouseSchema.Statements);

        await handler.HandleAsync(Event("schema-create.json"), Context());

        var (_, body) = SinglePut();
        Assert.Equal("FAILED", body.GetProperty("Status").GetString());
        Assert.Contains("Workgroup badgeflow not found", body.GetProperty("Reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_DeadlineFarAway_StillAnswers()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));

        await Handler().HandleAsync(Event("schema-delete.json"), Context(TimeSpan.FromDays(400)));

        Assert.Equal("SUCCESS", SinglePut().Body.GetProperty("Status").GetString());
    }

    [Fact]
    public async Task HandleAsync_UnknownRequestType_PutsFailed()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(200));
        var request = Event("schema-create.json");
        var odd = new CloudFormationCustomResourceRequest
        {
            RequestType = "Import",
            ResponseUrl = request.ResponseUrl,
            StackId = request.StackId,
            RequestId = request.RequestId,
            LogicalResourceId = request.LogicalResourceId,
        };

        await Handler().HandleAsync(odd, Context());

        var (_, body) = SinglePut();
        Assert.Equal("FAILED", body.GetProperty("Status").GetString());
        Assert.Contains("Import", body.GetProperty("Reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_ResponseUrlAnswers500Once_RetriesThePut()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(500, "<Error><Code>InternalError</Code></Error>"), new ScriptedResponse(200));

        await Handler().HandleAsync(Event("schema-delete.json"), Context());

        Assert.Equal(2, _cloudFormation.Requests.Count);
        Assert.Equal(_cloudFormation.Requests[0].BodyText, _cloudFormation.Requests[1].BodyText);
    }

    [Fact]
    public async Task HandleAsync_ResponseUrlForbidden_ThrowsSoLambdaReportsIt()
    {
        _cloudFormation.Enqueue(new ScriptedResponse(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Handler().HandleAsync(Event("schema-delete.json"), Context()));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Single(_cloudFormation.Requests); // a signature problem does not go away on retry
    }

    private sealed class ThrowingRedshiftData(Exception error) : IRedshiftData
    {
        public Task<string> ExecuteStatementAsync(StatementRequest request, CancellationToken cancellationToken) => throw error;

        public Task<string> BatchExecuteStatementAsync(BatchStatementRequest request, CancellationToken cancellationToken) => throw error;

        public Task<StatementDescription> DescribeStatementAsync(string id, CancellationToken cancellationToken) => throw error;

        public Task<StatementResultPage> GetStatementResultAsync(string id, string? nextToken, CancellationToken cancellationToken) => throw error;

        public Task<bool> CancelStatementAsync(string id, CancellationToken cancellationToken) => throw error;
    }
}
