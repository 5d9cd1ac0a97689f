using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;

namespace BadgeFlow.Runtime.Tests;

/// <summary>
/// The event contracts against AWS's public sample events (tests/fixtures/aws-reference/events, see PROVENANCE.md there):
/// every conforming request sample deserializes without losing a member, and every response sample serializes back
/// to exactly its shape. Expected field values below are copied by hand from the sample files.
/// </summary>
public sealed class EventContractTests
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Every request sample outside _templates/, _nonconforming/ and responses/, found at test time so a new
    /// sample is covered without editing this file.</summary>
    public static TheoryData<string> RequestSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in SampleFiles().Where(f => !f.Contains("/responses/", StringComparison.Ordinal)))
        {
            data.Add(file);
        }

        return data;
    }

    public static TheoryData<string> ResponseSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in SampleFiles().Where(f => f.Contains("/responses/", StringComparison.Ordinal)))
        {
            data.Add(file);
        }

        return data;
    }

    [Fact]
    public void Samples_AllConformingFolders_AreCovered()
    {
        var folders = SampleFiles().Select(f => f.Split('/')[0]).Distinct().Order().ToArray();

        Assert.Equal(["apigateway-http-v2", "apigateway-rest-proxy", "firehose-transform", "scheduled"], folders);
        Assert.Equal(3, SampleFiles().Count(f => f.Contains("/responses/", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(RequestSamples))]
    public void Deserialize_RequestSample_LosesNothing(string sample)
    {
        var json = ReadSample(sample);
        using var original = JsonDocument.Parse(json);

        var roundTrip = sample.Split('/')[0] switch
        {
            // BadgeFlow's API is a REST API (API keys exist only there); HTTP API v2 samples read through the same
            // contract keep their v2-only members in AdditionalProperties.
            "apigateway-rest-proxy" or "apigateway-http-v2" => RoundTrip(json, EventsJsonContext.Default.ApiGatewayProxyRequest),
            "firehose-transform" => RoundTrip(json, EventsJsonContext.Default.FirehoseTransformationEvent),
            "scheduled" => RoundTrip(json, EventsJsonContext.Default.AggregatorRequest),
            var folder => throw new InvalidOperationException($"No contract mapped for sample folder {folder}."),
        };

        using var written = JsonDocument.Parse(roundTrip);
        JsonAssert.Preserves(original.RootElement, written.RootElement);
    }

    [Theory]
    [MemberData(nameof(ResponseSamples))]
    public void Serialize_ResponseSample_MatchesShapeExactly(string sample)
    {
        var json = ReadSample(sample);

        var written = sample.Split('/')[0] switch
        {
            "apigateway-rest-proxy" => RoundTrip(json, EventsJsonContext.Default.ApiGatewayProxyResponse),
            "firehose-transform" => RoundTrip(json, EventsJsonContext.Default.FirehoseTransformationResponse),
            var folder => throw new InvalidOperationException($"No response contract mapped for sample folder {folder}."),
        };

        JsonAssert.Equal(Encoding.UTF8.GetString(json), written);
    }

    [Fact]
    public void Deserialize_RestProxyRequestFromGo_HasWhatProducerNeeds()
    {
        var request = Deserialize("apigateway-rest-proxy/aws-lambda-go--apigw-request.json", EventsJsonContext.Default.ApiGatewayProxyRequest);

        Assert.Equal("POST", request.HttpMethod);
        Assert.Equal("/{proxy+}", request.Resource);
        Assert.Equal("/hello/world", request.Path);
        Assert.Equal("{\r\n\t\"a\": 1\r\n}", request.Body);
        Assert.False(request.IsBase64Encoded);
        Assert.Equal("application/json", request.GetHeader("content-type"));
        Assert.Equal("54.240.196.186, 54.182.214.83", request.GetHeader("X-FORWARDED-FOR"));
        Assert.Null(request.GetHeader("x-api-key"));
        Assert.Equal(["me"], request.MultiValueQueryStringParameters!["name"]);
        Assert.Equal("me", request.QueryStringParameters!["name"]);
        Assert.Equal("hello/world", request.PathParameters!["proxy"]);
        Assert.Equal("stageVariableValue", request.StageVariables!["stageVariableName"]);

        var context = request.RequestContext!;
        Assert.Equal("deef4878-7910-11e6-8f14-25afc3e9ae33", context.RequestId);
        Assert.Equal("12345678912", context.AccountId);
        Assert.Equal("testStage", context.Stage);
        Assert.Equal(1589522469693, context.RequestTimeEpoch);
        Assert.Equal("theApiKey", context.Identity!.ApiKey);
        Assert.Equal("theApiKeyId", context.Identity.ApiKeyId);
        Assert.Equal("192.168.196.186", context.Identity.SourceIp);
        Assert.Equal("PostmanRuntime/2.4.5", context.Identity.UserAgent);
        Assert.Equal("www.example.com", context.Identity.ClientCert!.SubjectDN);
        Assert.Equal(1, context.Authorizer!["clientId"].GetInt32());
    }

    [Fact]
    public void Deserialize_RestProxyRequestWithBomAndNulls_Reads()
    {
        var request = Deserialize("apigateway-rest-proxy/aws-lambda-dotnet--values-put-withbody-apigateway-request.json", EventsJsonContext.Default.ApiGatewayProxyRequest);

        Assert.Equal("PUT", request.HttpMethod);
        Assert.Null(request.QueryStringParameters);
        Assert.Null(request.StageVariables);
        Assert.Equal("test-invoke-api-key", request.RequestContext!.Identity!.ApiKey);
        Assert.StartsWith("{\"firstName\":\"Smith\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_ConsoleTestRequestWithNullHeaders_GetHeaderIsNull()
    {
        var request = Deserialize("apigateway-rest-proxy/aws-lambda-rust-runtime--example-apigw-console-test-request.json", EventsJsonContext.Default.ApiGatewayProxyRequest);

        Assert.Null(request.Headers);
        Assert.Null(request.GetHeader("Content-Type"));
        Assert.Equal("test-invoke-api-key-id", request.RequestContext!.Identity!.ApiKeyId);
        Assert.Equal(1645190592806, request.RequestContext.RequestTimeEpoch);
    }

    [Fact]
    public void Deserialize_FirehoseDirectPutEvent_HasRecordIdTimestampAndData()
    {
        var firehose = Deserialize("firehose-transform/aws-lambda-dotnet--kinesis-firehose-event.json", EventsJsonContext.Default.FirehoseTransformationEvent);

        Assert.Equal("00540a87-5050-496a-84e4-e7d92bbaf5e2", firehose.InvocationId);
        Assert.Equal("us-east-1", firehose.Region);
        Assert.Null(firehose.SourceKinesisStreamArn);
        var record = Assert.Single(firehose.Records);
        Assert.Equal("49572672223665514422805246926656954630972486059535892482", record.RecordId);
        Assert.Equal(1493276938812, record.ApproximateArrivalTimestamp);
        Assert.Equal(new DateTimeOffset(2017, 4, 27, 7, 8, 58, 812, TimeSpan.Zero), record.ApproximateArrivalTime);
        Assert.Equal("hello world", Encoding.UTF8.GetString(Convert.FromBase64String(record.Data)));
        Assert.Null(record.KinesisRecordMetadata);
    }

    [Fact]
    public void Deserialize_FirehoseKinesisSourceEvent_HasKinesisMetadata()
    {
        var firehose = Deserialize("firehose-transform/aws-lambda-go--kinesis-firehose-event.json", EventsJsonContext.Default.FirehoseTransformationEvent);

        Assert.Equal("arn:aws:kinesis:us-east-1:123456789012:stream/test", firehose.SourceKinesisStreamArn);
        Assert.Equal(["record1", "record2"], firehose.Records.Select(r => r.RecordId));
        var metadata = firehose.Records[1].KinesisRecordMetadata!;
        Assert.Equal("shardId-000000000001", metadata.ShardId);
        Assert.Equal("4d1ad2b9-24f8-4b9d-a088-76e9947c318a", metadata.PartitionKey);
        Assert.Equal("49546986683135544286507457936321625675700192471156785155", metadata.SequenceNumber);
        Assert.Equal("123457", metadata.SubsequenceNumber);
        Assert.Equal(1507217624302, metadata.ApproximateArrivalTimestamp);
        Assert.Equal("Hello World", Encoding.UTF8.GetString(Convert.FromBase64String(firehose.Records[0].Data)));
    }

    [Fact]
    public void Deserialize_SubsequenceNumberAsString_IsAccepted()
    {
        // The SAM template and other typings write subsequenceNumber as a string (PROVENANCE.md).
        const string Json = """{"records":[{"recordId":"r","approximateArrivalTimestamp":1,"data":"","kinesisRecordMetadata":{"subsequenceNumber":"7"}}]}""";

        var firehose = JsonSerializer.Deserialize(Json, EventsJsonContext.Default.FirehoseTransformationEvent)!;

        Assert.Equal("7", firehose.Records[0].KinesisRecordMetadata!.SubsequenceNumber);
    }

    [Fact]
    public void Deserialize_NonconformingFirehoseEventWithIsoMetadataTime_ReadsAndKeepsRecords()
    {
        // kinesisRecordMetadata.approximateArrivalTimestamp is an ISO string and subsequenceNumber "" here; neither
        // may fail the batch, since Transform needs only recordId and data.
        var firehose = Deserialize("_nonconforming/aws-lambda-java-libs--samples-kinesis-firehose-event-handler-event.json", EventsJsonContext.Default.FirehoseTransformationEvent);

        var record = Assert.Single(firehose.Records);
        Assert.Equal("record2", record.RecordId);
        Assert.Equal("Hello World!\n", Encoding.UTF8.GetString(Convert.FromBase64String(record.Data)));
        Assert.Equal(1510772160000, record.ApproximateArrivalTimestamp);
        Assert.Equal(new DateTimeOffset(2012, 4, 23, 18, 25, 43, 511, TimeSpan.Zero).ToUnixTimeMilliseconds(), record.KinesisRecordMetadata!.ApproximateArrivalTimestamp);
        Assert.Null(record.KinesisRecordMetadata.SubsequenceNumber);
    }

    [Fact]
    public void Deserialize_NonconformingGoFirehoseResponse_ResultValuesAreNotDocumented()
    {
        var response = Deserialize("_nonconforming/aws-lambda-go--kinesis-firehose-response.json", EventsJsonContext.Default.FirehoseTransformationResponse);

        Assert.NotEmpty(response.Records);
        Assert.All(response.Records, record => Assert.False(FirehoseRecordResult.IsDocumented(record.Result), record.Result));
        Assert.True(FirehoseRecordResult.IsDocumented("Ok"));
        Assert.True(FirehoseRecordResult.IsDocumented("Dropped"));
        Assert.True(FirehoseRecordResult.IsDocumented("ProcessingFailed"));
        Assert.False(FirehoseRecordResult.IsDocumented("ok"));
    }

    [Fact]
    public void Deserialize_NonconformingScheduledEventWithBeanNames_StillHasItsTime()
    {
        var request = Deserialize("_nonconforming/aws-lambda-developer-guide--java-events-cloudwatch-scheduled.json", EventsJsonContext.Default.AggregatorRequest);

        Assert.Null(request.DetailType);
        Assert.NotNull(request.EffectiveScheduledTime);
    }

    [Fact]
    public void Deserialize_NonconformingSamLocalRestRequest_Reads()
    {
        var request = Deserialize("_nonconforming/aws-lambda-rust-runtime--example-apigw-sam-rest-request.json", EventsJsonContext.Default.ApiGatewayProxyRequest);

        Assert.Equal("1.0", request.Version);
        Assert.NotNull(request.RequestContext);
        Assert.Null(request.RequestContext.ExtendedRequestId);
    }

    [Theory]
    [InlineData("scheduled/aws-lambda-dotnet--scheduled-event.json", "1970-01-01T00:00:00Z", "arn:aws:events:us-east-1:123456789012:rule/my-schedule")]
    [InlineData("scheduled/aws-lambda-java-libs--cloudwatch_event.json", "2020-09-30T15:58:34Z", "arn:aws:events:eu-central-1:123456789012:rule/demoschedule")]
    [InlineData("scheduled/aws-lambda-rust-runtime--example-eventbridge-schedule.json", "2015-10-08T16:53:06Z", "arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule")]
    public void Deserialize_ScheduledEvent_TimeServesAsScheduledTime(string sample, string time, string rule)
    {
        var request = Deserialize(sample, EventsJsonContext.Default.AggregatorRequest);

        Assert.Equal("Scheduled Event", request.DetailType);
        Assert.Equal("aws.events", request.Source);
        Assert.Equal([rule], request.Resources);
        Assert.Null(request.ScheduledTime);
        Assert.Null(request.WindowStart);
        Assert.Equal(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), request.EffectiveScheduledTime);
    }

    [Fact]
    public void Deserialize_SchedulerInputAndBackfill_ReadTheirTimes()
    {
        var scheduled = JsonSerializer.Deserialize("""{ "scheduledTime": "2026-11-25T10:22:00Z" }""", EventsJsonContext.Default.AggregatorRequest)!;
        var backfill = JsonSerializer.Deserialize("""{ "windowStart": "2026-11-25T10:00:00Z" }""", EventsJsonContext.Default.AggregatorRequest)!;

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 22, 0, TimeSpan.Zero), scheduled.EffectiveScheduledTime);
        Assert.Null(scheduled.WindowStart);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), backfill.WindowStart);
        Assert.Null(backfill.EffectiveScheduledTime);
    }

    [Fact]
    public void Serialize_ApiGatewayResponseWithOnlyStatusHeadersBody_OmitsUnsetMembers()
    {
        var response = new ApiGatewayProxyResponse
        {
            StatusCode = 400,
            Headers = new() { ["Content-Type"] = "application/problem+json" },
            Body = """{"title":"Bad read"}""",
        };

        JsonAssert.Equal(
            """{"statusCode":400,"headers":{"Content-Type":"application/problem+json"},"body":"{\"title\":\"Bad read\"}"}""",
            JsonSerializer.Serialize(response, EventsJsonContext.Default.ApiGatewayProxyResponse));
    }

    [Fact]
    public void Serialize_FirehoseResultsOfEachKind_MatchDocumentedShape()
    {
        var response = new FirehoseTransformationResponse
        {
            Records =
            [
                new() { RecordId = "r1", Result = FirehoseRecordResult.Ok, Data = "eyJhIjoxfQo=" },
                new() { RecordId = "r2", Result = FirehoseRecordResult.ProcessingFailed },
                new() { RecordId = "r3", Result = FirehoseRecordResult.Dropped },
            ],
        };

        JsonAssert.Equal(
            """{"records":[{"recordId":"r1","result":"Ok","data":"eyJhIjoxfQo="},{"recordId":"r2","result":"ProcessingFailed"},{"recordId":"r3","result":"Dropped"}]}""",
            JsonSerializer.Serialize(response, EventsJsonContext.Default.FirehoseTransformationResponse));
    }

    [Fact]
    public void Deserialize_CloudFormationCreateRequest_ReadsDocumentedFields()
    {
        // The request example of the CloudFormation user guide ("Custom resource request objects").
        const string Json = """
            {
               "RequestType" : "Create",
               "ServiceToken" : "arn:aws:lambda:us-east-1:123456789012:function:schema",
               "ResponseURL" : "http://pre-signed-S3-url-for-response",
               "StackId" : "arn:aws:cloudformation:us-west-2:123456789012:stack/stack-name/guid",
               "RequestId" : "unique id for this create request",
               "ResourceType" : "Custom::TestResource",
               "LogicalResourceId" : "MyTestResource",
               "ResourceProperties" : {
                  "ServiceToken" : "arn:aws:lambda:us-east-1:123456789012:function:schema",
                  "Name" : "Value",
                  "List" : [ "1", "2", "3" ]
               }
            }
            """;

        var request = JsonSerializer.Deserialize(Json, EventsJsonContext.Default.CloudFormationCustomResourceRequest)!;

        Assert.Equal(CloudFormationRequestType.Create, request.RequestType);
        Assert.Equal("http://pre-signed-S3-url-for-response", request.ResponseUrl);
        Assert.Equal("arn:aws:cloudformation:us-west-2:123456789012:stack/stack-name/guid", request.StackId);
        Assert.Equal("unique id for this create request", request.RequestId);
        Assert.Equal("Custom::TestResource", request.ResourceType);
        Assert.Equal("MyTestResource", request.LogicalResourceId);
        Assert.Null(request.PhysicalResourceId);
        Assert.Null(request.OldResourceProperties);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:schema", request.ServiceToken);
        Assert.Equal("Value", request.ResourceProperties!["Name"].GetString());
        Assert.Equal(3, request.ResourceProperties["List"].GetArrayLength());
    }

    [Fact]
    public void Serialize_CloudFormationResponses_MatchDocumentedShapes()
    {
        var request = new CloudFormationCustomResourceRequest
        {
            RequestType = CloudFormationRequestType.Create,
            StackId = "arn:aws:cloudformation:us-west-2:123456789012:stack/stack-name/guid",
            RequestId = "unique id for this create request",
            LogicalResourceId = "MyTestResource",
        };

        var success = CloudFormationCustomResourceResponse.For(request, CloudFormationCustomResourceStatus.Success, "badgeflow-schema", data: new() { ["OutputName1"] = "Value1" });
        var failed = CloudFormationCustomResourceResponse.For(request, CloudFormationCustomResourceStatus.Failed, "badgeflow-schema", reason: "Statement failed: relation exists");

        JsonAssert.Equal(
            """
            {
               "Status" : "SUCCESS",
               "PhysicalResourceId" : "badgeflow-schema",
               "StackId" : "arn:aws:cloudformation:us-west-2:123456789012:stack/stack-name/guid",
               "RequestId" : "unique id for this create request",
               "LogicalResourceId" : "MyTestResource",
               "Data" : { "OutputName1" : "Value1" }
            }
            """,
            JsonSerializer.Serialize(success, EventsJsonContext.Default.CloudFormationCustomResourceResponse));
        JsonAssert.Equal(
            """
            {
               "Status" : "FAILED",
               "Reason" : "Statement failed: relation exists",
               "PhysicalResourceId" : "badgeflow-schema",
               "StackId" : "arn:aws:cloudformation:us-west-2:123456789012:stack/stack-name/guid",
               "RequestId" : "unique id for this create request",
               "LogicalResourceId" : "MyTestResource"
            }
            """,
            JsonSerializer.Serialize(failed, EventsJsonContext.Default.CloudFormationCustomResourceResponse));
    }

    private static IEnumerable<string> SampleFiles()
    {
        var root = RepositoryPaths.AwsReference("events");
        return Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("_templates/", StringComparison.Ordinal) && !path.StartsWith("_nonconforming/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }

    private static byte[] ReadSample(string relativePath)
    {
        var bytes = File.ReadAllBytes(RepositoryPaths.AwsReference(["events", .. relativePath.Split('/')]));

        // Six aws-lambda-dotnet samples start with a UTF-8 BOM, which Utf8JsonReader rejects (PROVENANCE.md).
        return bytes.AsSpan().StartsWith(Utf8Bom) ? bytes[Utf8Bom.Length..] : bytes;
    }

    private static T Deserialize<T>(string relativePath, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(ReadSample(relativePath), typeInfo) ?? throw new InvalidOperationException($"{relativePath} deserialized to null.");

    private static string RoundTrip<T>(byte[] json, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Serialize(JsonSerializer.Deserialize(json, typeInfo)!, typeInfo);
}
