using System.Text;
using System.Text.Json;
using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Scripted;
using Microsoft.Extensions.Time.Testing;

namespace BadgeFlow.Aws.Tests;

/// <summary>Faults injected by a scripted HTTP endpoint: throttling, 5xx, partial batch failures, timeouts, deadlines,
/// and the reference error bodies.</summary>
[Trait("Category", "Integration")]
public sealed class ScriptedFaultTests : IAsyncLifetime
{
    private const string Success2 = """{"FailedPutCount":0,"Encrypted":false,"RequestResponses":[{"RecordId":"r-1"},{"RecordId":"r-2"}]}""";
    private static readonly ReadOnlyMemory<byte>[] TwoRecords = [Encoding.UTF8.GetBytes("one\n"), Encoding.UTF8.GetBytes("two\n")];
    private ScriptedHttpEndpoint _endpoint = null!;

    public async Task InitializeAsync() => _endpoint = await ScriptedHttpEndpoint.StartAsync();

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    [Fact]
    public async Task PutRecordBatch_ThrottledThenSuccess_RetriesTheSameSignedRequest()
    {
        _endpoint.Enqueue(
            ScriptedResponse.Json(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}"""),
            ScriptedResponse.Json(503, """{"__type":"ServiceUnavailableException","message":"Slow down."}"""),
            ScriptedResponse.Json(200, Success2));
        var firehose = new FirehoseClient(TestAws.Transport(_endpoint.Url));

        var result = await firehose.PutRecordBatchAsync("reads", TwoRecords, CancellationToken.None);

        Assert.Equal(3, result.Attempts);
        Assert.Equal(["r-1", "r-2"], result.Entries.Select(e => e.RecordId));
        var requests = _endpoint.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("Firehose_20150804.PutRecordBatch", r.Header("X-Amz-Target"));
            Assert.Equal("application/x-amz-json-1.1", r.Header("Content-Type"));
            Assert.StartsWith("AWS4-HMAC-SHA256 Credential=testing/", r.Header("Authorization"), StringComparison.Ordinal);
            Assert.Contains("/us-east-1/firehose/aws4_request", r.Header("Authorization"), StringComparison.Ordinal);
        });
        // The wire body botocore would send: base64 of the raw bytes ("one\n" → b25lCg==).
        using var body = JsonDocument.Parse(requests[0].Body);
        Assert.Equal("reads", body.RootElement.GetProperty("DeliveryStreamName").GetString());
        Assert.Equal(["b25lCg==", "dHdvCg=="], body.RootElement.GetProperty("Records").EnumerateArray().Select(r => r.GetProperty("Data").GetString()));
    }

    [Fact]
    public async Task PutRecordBatch_5xxOnEveryAttempt_ThrowsAfterMaxAttempts()
    {
        for (var i = 0; i < 3; i++)
        {
            _endpoint.Enqueue(ScriptedResponse.Json(500, """{"__type":"InternalFailure","message":"boom"}""", "rid-" + i));
        }

        var firehose = new FirehoseClient(TestAws.Transport(_endpoint.Url, retry: new AwsRetryPolicy { MaxAttempts = 3, Jitter = () => 0 }));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => firehose.PutRecordBatchAsync("reads", TwoRecords, CancellationToken.None));

        Assert.Equal("InternalFailure", error.ErrorCode);
        Assert.Equal(500, error.StatusCode);
        Assert.Equal(3, error.Attempts);
        Assert.Equal("rid-2", error.RequestId);
        Assert.Equal(3, _endpoint.Requests.Count);
    }

    [Fact]
    public async Task PutRecordBatch_PartialFailure_ReturnsPerRecordErrorsInOrderWithoutRetrying()
    {
        _endpoint.Enqueue(ScriptedResponse.Json(200, """
            {"FailedPutCount":1,"Encrypted":false,"RequestResponses":[
              {"ErrorCode":"ServiceUnavailableException","ErrorMessage":"Slow down."},{"RecordId":"r-2"}]}
            """));
        var firehose = new FirehoseClient(TestAws.Transport(_endpoint.Url));

        var result = await firehose.PutRecordBatchAsync("reads", TwoRecords, CancellationToken.None);

        Assert.Equal(1, result.FailedPutCount);
        Assert.False(result.Entries[0].Succeeded);
        Assert.Equal("ServiceUnavailableException", result.Entries[0].ErrorCode);
        Assert.True(result.Entries[1].Succeeded);
        Assert.Single(_endpoint.Requests);
    }

    [Fact]
    public async Task PutRecordBatch_FirstAttemptTimesOut_RetriesAndSucceeds()
    {
        _endpoint.Enqueue(
            ScriptedResponse.Json(200, Success2) with { Delay = TimeSpan.FromSeconds(30) },
            ScriptedResponse.Json(200, Success2));
        var policy = new AwsRetryPolicy { AttemptTimeout = TimeSpan.FromMilliseconds(300), Jitter = () => 0 };

        var result = await new FirehoseClient(TestAws.Transport(_endpoint.Url, retry: policy)).PutRecordBatchAsync("reads", TwoRecords, CancellationToken.None);

        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, _endpoint.Requests.Count);
    }

    [Fact]
    public async Task PutRecordBatch_EveryAttemptTimesOut_ThrowsTransportExceptionWithTimeout()
    {
        _endpoint.Enqueue(
            ScriptedResponse.Json(200, Success2) with { Delay = TimeSpan.FromSeconds(30) },
            ScriptedResponse.Json(200, Success2) with { Delay = TimeSpan.FromSeconds(30) });
        var policy = new AwsRetryPolicy { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(200), Jitter = () => 0 };

        var error = await Assert.ThrowsAsync<AwsTransportException>(() =>
            new FirehoseClient(TestAws.Transport(_endpoint.Url, retry: policy)).PutRecordBatchAsync("reads", TwoRecords, CancellationToken.None));

        Assert.Equal(2, error.Attempts);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task PutRecordBatch_DeadlineLeavesNoRoomForARetry_GivesUpAfterOneAttempt()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        _endpoint.Enqueue(
            ScriptedResponse.Json(503, """{"__type":"ServiceUnavailableException","message":"Slow down."}"""),
            ScriptedResponse.Json(200, Success2));
        var policy = new AwsRetryPolicy { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(100), MinimumAttemptTime = TimeSpan.FromMilliseconds(300), Jitter = () => 1.0 };
        var firehose = new FirehoseClient(TestAws.Transport(_endpoint.Url, clock, policy));

        // 100 ms backoff + 300 ms minimum attempt > 250 ms left: no retry may start.
        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            firehose.PutRecordBatchAsync("reads", TwoRecords, clock.GetUtcNow().AddMilliseconds(250), CancellationToken.None));

        Assert.Equal("ServiceUnavailableException", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.Single(_endpoint.Requests);
    }

    [Fact]
    public async Task PutRecordBatch_CancelledDuringBackoff_ThrowsOperationCanceledWithoutAnotherAttempt()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        _endpoint.Enqueue(ScriptedResponse.Json(503, """{"__type":"ServiceUnavailableException","message":"Slow down."}"""), ScriptedResponse.Json(200, Success2));
        var policy = new AwsRetryPolicy { BaseDelay = TimeSpan.FromSeconds(1), Jitter = () => 1.0 };
        using var cancellation = new CancellationTokenSource();

        var call = new FirehoseClient(TestAws.Transport(_endpoint.Url, clock, policy)).PutRecordBatchAsync("reads", TwoRecords, cancellation.Token);
        while (_endpoint.Requests.Count == 0 && !call.IsCompleted)
        {
            await Task.Delay(10);
        }

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(_endpoint.Requests);
    }

    [Fact]
    public async Task Send_ReferenceJsonThrottlingBody_IsRetried()
    {
        var throttled = File.ReadAllText(RepositoryPaths.AwsReference("wire", "json-errors", "botocore--dynamodb-put-item-error.json"));
        _endpoint.Enqueue(ScriptedResponse.Json(400, throttled), ScriptedResponse.Json(200, Success2));

        var result = await new FirehoseClient(TestAws.Transport(_endpoint.Url)).PutRecordBatchAsync("reads", TwoRecords, CancellationToken.None);

        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task Send_ReferenceJsonValidationBody_IsNotRetried()
    {
        var invalid = File.ReadAllText(RepositoryPaths.AwsReference("wire", "json-errors", "botocore--storagegateway-delete-gateway-error.json"));
        _endpoint.Enqueue(ScriptedResponse.Json(400, invalid, "rid-v"));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            new RedshiftDataClient(TestAws.Transport(_endpoint.Url)).DescribeStatementAsync("x", CancellationToken.None));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Equal("rid-v", error.RequestId);
        Assert.Single(_endpoint.Requests);
    }

    [Fact]
    public async Task Publish_ReferenceQueryErrorBody_ThrowsInvalidParameter()
    {
        _endpoint.Enqueue(ScriptedResponse.Xml(400, File.ReadAllText(RepositoryPaths.AwsReference("wire", "sns", "botocore--sns-delete-topic-error.xml"))));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => new SnsClient(TestAws.Transport(_endpoint.Url)).PublishAsync(
            new PublishRequest("arn:aws:sns:us-east-1:123456789012:t", "m", null, null, new Dictionary<string, MessageAttributeValue>()), CancellationToken.None));

        Assert.Equal("InvalidParameter", error.ErrorCode);
        Assert.Equal("TopicArn", error.ServiceMessage);
        Assert.Equal("8c4c8aa7-436b-5b46-91d5-c0a339158557", error.RequestId);
    }

    [Fact]
    public async Task Publish_ReferenceResponse_ReturnsMessageIdAndSendsTheFormBody()
    {
        _endpoint.Enqueue(ScriptedResponse.Xml(200, File.ReadAllText(RepositoryPaths.AwsReference("wire", "sns", "botocore--sns-publish.xml"))));

        var id = await new SnsClient(TestAws.Transport(_endpoint.Url)).PublishAsync(
            new PublishRequest("arn:aws:sns:us-east-1:123456789012:t", "a b&c", "S", "json", new Dictionary<string, MessageAttributeValue>
            {
                ["zone"] = new("String", "A"),
                ["max_utilisation"] = new("Number", "0.9"),
            }),
            CancellationToken.None);

        Assert.Equal("94f20ce6-13c5-43a0-9a9e-ca52d816e90b", id);
        var request = Assert.Single(_endpoint.Requests);
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal(
            "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At&Message=a%20b%26c&Subject=S&MessageStructure=json"
            + "&MessageAttributes.entry.1.Name=max_utilisation&MessageAttributes.entry.1.Value.DataType=Number&MessageAttributes.entry.1.Value.StringValue=0.9"
            + "&MessageAttributes.entry.2.Name=zone&MessageAttributes.entry.2.Value.DataType=String&MessageAttributes.entry.2.Value.StringValue=A",
            request.BodyText);
    }

    [Fact]
    public async Task BatchExecuteStatement_SendsSqlsAndTarget_ReturnsId()
    {
        _endpoint.Enqueue(ScriptedResponse.Json(200, """{"Id":"b-1","CreatedAt":1.7644E9,"Database":"dev","WorkgroupName":"wg"}"""));

        var id = await new RedshiftDataClient(TestAws.Transport(_endpoint.Url)).BatchExecuteStatementAsync(
            new BatchStatementRequest(new RedshiftTarget("dev", "wg", null, null, null), ["CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"], "schema"),
            CancellationToken.None);

        Assert.Equal("b-1", id);
        var request = Assert.Single(_endpoint.Requests);
        Assert.Equal("RedshiftData.BatchExecuteStatement", request.Header("X-Amz-Target"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(["CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"], body.RootElement.GetProperty("Sqls").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("wg", body.RootElement.GetProperty("WorkgroupName").GetString());
        Assert.False(body.RootElement.TryGetProperty("ClusterIdentifier", out _));
        Assert.True(Guid.TryParse(body.RootElement.GetProperty("ClientToken").GetString(), out _));
    }

    [Fact]
    public async Task GetStatementResult_TwoPages_PassesNextTokenAndReadsTheUnion()
    {
        _endpoint.Enqueue(
            ScriptedResponse.Json(200, """{"ColumnMetadata":[{"name":"zone_id","typeName":"varchar"},{"name":"n","typeName":"int8"}],"Records":[[{"stringValue":"A"},{"longValue":5}]],"TotalNumRows":2,"NextToken":"t2"}"""),
            ScriptedResponse.Json(200, """{"ColumnMetadata":[{"name":"zone_id","typeName":"varchar"},{"name":"n","typeName":"int8"}],"Records":[[{"isNull":true},{"doubleValue":1.5}]],"TotalNumRows":2}"""));
        var client = new RedshiftDataClient(TestAws.Transport(_endpoint.Url));

        var first = await client.GetStatementResultAsync("s-1", null, CancellationToken.None);
        var second = await client.GetStatementResultAsync("s-1", first.NextToken, CancellationToken.None);

        Assert.Equal("t2", first.NextToken);
        Assert.Equal([("zone_id", "varchar"), ("n", "int8")], first.Columns.Select(c => (c.Name, c.TypeName)));
        Assert.Equal("A", first.Records[0][0].StringValue);
        Assert.Equal(5, first.Records[0][1].LongValue);
        Assert.True(second.Records[0][0].IsNull);
        Assert.Equal(1.5, second.Records[0][1].DoubleValue);
        Assert.Null(second.NextToken);
        using var secondBody = JsonDocument.Parse(_endpoint.Requests[1].Body);
        Assert.Equal("t2", secondBody.RootElement.GetProperty("NextToken").GetString());
    }

    [Fact]
    public async Task DescribeStatement_FinishedWithDurationInNanoseconds_MapsStatusAndDuration()
    {
        _endpoint.Enqueue(ScriptedResponse.Json(200, """{"Id":"s-1","Status":"FAILED","Error":"ERROR: relation does not exist","HasResultSet":false,"ResultRows":-1,"Duration":1500000000,"CreatedAt":1764064800.123}"""));

        var described = await new RedshiftDataClient(TestAws.Transport(_endpoint.Url)).DescribeStatementAsync("s-1", CancellationToken.None);

        Assert.Equal(StatementStatus.Failed, described.Status);
        Assert.True(described.IsTerminal);
        Assert.Equal("ERROR: relation does not exist", described.Error);
        Assert.Equal(TimeSpan.FromSeconds(1.5), described.Duration);
    }
}
