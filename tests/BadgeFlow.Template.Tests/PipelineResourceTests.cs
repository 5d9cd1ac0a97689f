using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing;

namespace BadgeFlow.Template.Tests;

/// <summary>The resources of template.yaml against DESIGN.md and the functions' contracts.</summary>
public sealed partial class PipelineResourceTests
{
    private static CloudFormationTemplate Template => SamApplication.Template;

    public static TheoryData<string> Functions() => SamApplication.Functions();

    [Theory]
    [MemberData(nameof(Functions))]
    public void Function_Each_RunsItsNativeAotBootstrapOnManagedDotnet10(string functionId)
    {
        Assert.Equal("dotnet10", Template.FunctionProperty(functionId, "Runtime")?.ToString());
        Assert.Equal("bootstrap", Template.FunctionProperty(functionId, "Handler")?.ToString());
        Assert.Equal("[\"x86_64\"]", Template.FunctionProperty(functionId, "Architectures")?.ToJsonString());
        Assert.Equal(".", Template.FunctionProperty(functionId, "CodeUri")?.ToString());
        Assert.Equal("makefile", Template.Resource(functionId)["Metadata"]?["BuildMethod"]?.ToString());
    }

    [Fact]
    public void Functions_EveryExecutableProjectUnderFunctions_IsDeployed()
    {
        var executables = Directory.EnumerateFiles(RepositoryPaths.Repo("functions"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains("<OutputType>Exe</OutputType>", StringComparison.Ordinal))
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(executables, SamApplication.FunctionIds.Select(SamApplication.ProjectOf).Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Function_Each_LogsToItsOwnLogGroupWithRetention(string functionId)
    {
        var logGroupId = Template.Properties(functionId)["LoggingConfig"]?["LogGroup"]?["Ref"]?.ToString();
        Assert.NotNull(logGroupId);

        var logGroup = Template.Properties(logGroupId);
        Assert.NotNull(logGroup["RetentionInDays"]);
        var functionName = Template.SubstituteDefaults(Template.Properties(functionId)["FunctionName"]!["Fn::Sub"]!.ToString());
        Assert.Equal("/aws/lambda/" + functionName, Template.SubstituteDefaults(logGroup["LogGroupName"]!["Fn::Sub"]!.ToString()));
    }

    [Fact]
    public void Api_PostReads_RequiresAnApiKeyUnderAThrottledUsagePlanWithQuota()
    {
        var api = Template.Properties("SensorApi");
        Assert.Equal("true", api["Auth"]?["ApiKeyRequired"]?.ToString());

        var producerEvent = Assert.Single(Template.Properties("ProducerFunction")["Events"]!.AsObject());
        Assert.Equal("Api", producerEvent.Value!["Type"]!.ToString());
        Assert.Equal("/reads", producerEvent.Value["Properties"]!["Path"]!.ToString());
        Assert.Equal("post", producerEvent.Value["Properties"]!["Method"]!.ToString());
        Assert.Equal("SensorApi", producerEvent.Value["Properties"]!["RestApiId"]!["Ref"]!.ToString());

        var plan = Template.Properties("SensorUsagePlan");
        Assert.Equal("SensorApi", plan["ApiStages"]![0]!["ApiId"]!["Ref"]!.ToString());
        Assert.NotNull(plan["Throttle"]?["RateLimit"]);
        Assert.NotNull(plan["Throttle"]?["BurstLimit"]);
        Assert.NotNull(plan["Quota"]?["Limit"]);
        // The keys in the plan: SensorKeyTests.
    }

    [Fact]
    public void DeliveryStream_CreatedAfterTheSchemaCustomResource()
    {
        Assert.Equal("WarehouseSchema", Template.Resource("DeliveryStream")["DependsOn"]?.ToString());

        var schema = Template.Resource("WarehouseSchema");
        Assert.StartsWith("Custom::", schema["Type"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("SchemaFunction", schema["Properties"]!["ServiceToken"]!["Fn::GetAtt"]![0]!.ToString());
    }

    [Fact]
    public void CopyCommand_Columns_AreTheBadgeReadsColumnsOfSchemaSql()
    {
        // DESIGN.md's badge_reads, in order; and Schema.sql (what the custom resource creates) must agree.
        string[] designColumns = ["read_id", "read_at", "badge_hash", "sensor_id", "zone_id", "venue", "rssi", "received_at", "source"];
        var copy = Template.Properties("DeliveryStream")["RedshiftDestinationConfiguration"]!["CopyCommand"]!;

        Assert.Equal("badge_reads", copy["DataTableName"]!.ToString());
        Assert.Equal(designColumns, copy["DataTableColumns"]!.ToString().Split(','));

        var sql = File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Schema", "Schema.sql"));
        var table = CreateBadgeReads().Match(sql);
        Assert.True(table.Success, "Schema.sql has no CREATE TABLE … badge_reads.");
        var sqlColumns = table.Groups[1].Value.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal))
            .Select(line => line.Split(' ', 2)[0])
            .ToArray();
        Assert.Equal(designColumns, sqlColumns);
    }

    [Fact]
    public void CopyCommand_Options_ReadTransformsJsonLinesAndTimestamps()
    {
        var destination = Template.Properties("DeliveryStream")["RedshiftDestinationConfiguration"]!;
        var options = destination["CopyCommand"]!["CopyOptions"]!.ToString();

        Assert.Contains("FORMAT AS JSON 'auto'", options, StringComparison.Ordinal);
        Assert.Contains("TIMEFORMAT 'auto'", options, StringComparison.Ordinal);
        // COPY must decompress exactly when Firehose compresses the staged objects.
        Assert.Equal(destination["S3Configuration"]!["CompressionFormat"]?.ToString() == "GZIP", options.Contains("GZIP", StringComparison.Ordinal));
    }

    [Fact]
    public void DeliveryStream_Destination_HasProcessorRetriesLoggingEncryptionAndSecretCredentials()
    {
        var stream = Template.Properties("DeliveryStream");
        var destination = stream["RedshiftDestinationConfiguration"]!;

        Assert.Equal("AWS_OWNED_CMK", stream["DeliveryStreamEncryptionConfigurationInput"]?["KeyType"]?.ToString());
        Assert.NotNull(destination["RetryOptions"]?["DurationInSeconds"]);
        Assert.Equal("true", destination["CloudWatchLoggingOptions"]?["Enabled"]?.ToString());
        Assert.Equal("true", destination["SecretsManagerConfiguration"]?["Enabled"]?.ToString());
        Assert.Null(destination["Username"]);
        Assert.Null(destination["Password"]);

        var processor = Assert.Single(destination["ProcessingConfiguration"]!["Processors"]!.AsArray())!;
        Assert.Equal("Lambda", processor["Type"]!.ToString());
        var parameters = processor["Parameters"]!.AsArray().ToDictionary(p => p!["ParameterName"]!.ToString(), p => p!["ParameterValue"]);
        Assert.Equal("TransformFunction", parameters["LambdaArn"]!["Fn::GetAtt"]![0]!.ToString());
        Assert.Equal("ProcessorBufferSizeMBs", parameters["BufferSizeInMBs"]!["Ref"]!.ToString());
        Assert.Equal("ProcessorBufferIntervalSeconds", parameters["BufferIntervalInSeconds"]!["Ref"]!.ToString());

        // Firehose may invoke only the processor it is configured with.
        var invoke = IamPolicy.Statements(Template, "FirehoseRole").Single(s => s.Actions.Contains("lambda:InvokeFunction"));
        Assert.Equal(["TransformFunction"], CloudFormationTemplate.References(invoke.Resource));
    }

    [Fact]
    public void StagingBucket_StagingPrefix_ExpiresByLifecycleRule()
    {
        // Firehose never deletes what it stages for COPY.
        var prefix = Template.Properties("DeliveryStream")["RedshiftDestinationConfiguration"]!["S3Configuration"]!["Prefix"]!.ToString();
        var rules = Template.Properties("StagingBucket")["LifecycleConfiguration"]!["Rules"]!.AsArray();

        Assert.Contains(rules, r => r!["Prefix"]?.ToString() == prefix && r["Status"]!.ToString() == "Enabled" && r["ExpirationInDays"] is not null);
        Assert.Contains(rules, r => r!["Prefix"]?.ToString() == "processing-failed/" && r["ExpirationInDays"] is not null);
    }

    [Fact]
    public void Buckets_All_EncryptedPrivateAndTlsOnly()
    {
        var buckets = Template.ResourcesOfType("AWS::S3::Bucket").ToList();
        Assert.NotEmpty(buckets);
        foreach (var (bucketId, bucket) in buckets)
        {
            var properties = bucket["Properties"]!;
            Assert.NotNull(properties["BucketEncryption"]?["ServerSideEncryptionConfiguration"]?[0]?["ServerSideEncryptionByDefault"]?["SSEAlgorithm"]);
            var block = properties["PublicAccessBlockConfiguration"]!;
            Assert.All(new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }, k => Assert.Equal("true", block[k]?.ToString()));

            var policy = Template.ResourcesOfType("AWS::S3::BucketPolicy").Single(p => p.Value["Properties"]!["Bucket"]!["Ref"]!.ToString() == bucketId);
            Assert.Contains(policy.Value["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(), s =>
                s!["Effect"]!.ToString() == "Deny" && s["Condition"]?["Bool"]?["aws:SecureTransport"]?.ToString() == "false");
        }
    }

    [Fact]
    public void TopicsAndQueues_All_EncryptedAtRest()
    {
        Assert.All(Template.ResourcesOfType("AWS::SNS::Topic"), t => Assert.NotNull(t.Value["Properties"]!["KmsMasterKeyId"]));
        Assert.All(Template.ResourcesOfType("AWS::SQS::Queue"), q => Assert.Equal("true", q.Value["Properties"]!["SqsManagedSseEnabled"]?.ToString()));
    }

    [Fact]
    public void Warehouse_Credentials_AreGeneratedBySecretsManagerNeverInTheTemplate()
    {
        var secret = Template.Properties("WarehouseAdminSecret");
        Assert.Equal("password", secret["GenerateSecretString"]?["GenerateStringKey"]?.ToString());

        var namespaceProperties = Template.Properties("WarehouseNamespace");
        Assert.StartsWith("{{resolve:secretsmanager:${WarehouseAdminSecret}:", namespaceProperties["AdminUserPassword"]!["Fn::Sub"]!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Template.Parameters, p => p.Key.Contains("Password", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Schedule_DefaultParameters_RunsAtMinutes7_22_37_52WithItsScheduledTime()
    {
        var schedule = Template.Properties("AggregatorSchedule");
        var expression = ScheduleExpression(Template.ParameterDefault("WindowMinutes"), Template.ParameterDefault("DeliveryLagMinutes"));

        // DESIGN.md: runs at :07, :22, :37, :52 and reports the window that closed 7 minutes earlier.
        Assert.Equal([7, 22, 37, 52], CronMinutes(expression));
        Assert.Equal("UTC", schedule["ScheduleExpressionTimezone"]?.ToString());

        var target = schedule["Target"]!;
        using var input = JsonDocument.Parse(target["Input"]!.ToString());
        Assert.Equal("<aws.scheduler.scheduled-time>", input.RootElement.GetProperty("scheduledTime").GetString());
        Assert.Equal("AggregatorFunction", target["Arn"]!["Fn::GetAtt"]![0]!.ToString());
        Assert.NotNull(target["RetryPolicy"]?["MaximumRetryAttempts"]);
        Assert.Equal("ScheduleDeadLetterQueue", target["DeadLetterConfig"]!["Arn"]!["Fn::GetAtt"]![0]!.ToString());
    }

    [Fact]
    public void Schedule_EveryAllowedWindowAndLag_RunsOncePerWindowAtTheLag()
    {
        var windows = Template.Parameters["WindowMinutes"]!["AllowedValues"]!.AsArray().Select(v => int.Parse(v!.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        foreach (var window in windows)
        {
            foreach (var lag in AllowedLags(window))
            {
                var expected = Enumerable.Range(0, 60).Where(minute => minute % window == lag).ToList();

                Assert.Equal(expected, CronMinutes(ScheduleExpression($"{window}", $"{lag}")));
            }
        }
    }

    [Fact]
    public void Rules_LagAtLeastTheWindow_IsRejectedAtDeploy()
    {
        // A lag of a window or more would skip windows with one cron step expression; the Rules refuse it.
        var rules = Template.Root["Rules"]!.AsObject();
        foreach (var window in new[] { 5, 10, 15, 20, 30 })
        {
            var rule = rules.Single(r => r.Value!["RuleCondition"]!["Fn::Equals"]?[0]?["Ref"]?.ToString() == "WindowMinutes"
                                         && r.Value["RuleCondition"]!["Fn::Equals"]![1]!.ToString() == $"{window}").Value!;
            var allowed = rule["Assertions"]![0]!["Assert"]!["Fn::Contains"]![0]!.AsArray().Select(v => int.Parse(v!.ToString(), System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(Enumerable.Range(1, window - 1), allowed);
        }
    }

    [Fact]
    public void Alarms_CoverEveryFunctionDeliveryApiAndDeadLetters_AndNotifyATopic()
    {
        var alarms = Template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Value["Properties"]!).ToList();

        foreach (var functionId in SamApplication.FunctionIds)
        {
            Assert.Contains(alarms, a => a["MetricName"]!.ToString() == "Errors" && a["Dimensions"]![0]!["Value"]!["Ref"]?.ToString() == functionId);
        }

        Assert.Contains(alarms, a => a["MetricName"]!.ToString() == "DeliveryToRedshift.Success");
        Assert.Contains(alarms, a => a["MetricName"]!.ToString() == "DeliveryToS3.Success");
        Assert.Contains(alarms, a => a["MetricName"]!.ToString() == "ApproximateNumberOfMessagesVisible");
        var api = Assert.Single(alarms, a => a["MetricName"]!.ToString() == "5XXError");
        Assert.Equal(
            Template.Properties("SensorApi")["Name"]!["Fn::Sub"]!.ToString(),
            api["Dimensions"]!.AsArray().Single(d => d!["Name"]!.ToString() == "ApiName")!["Value"]!["Fn::Sub"]!.ToString());

        Assert.All(alarms, a => Assert.Equal("AWS::SNS::Topic", Template.Resource(a["AlarmActions"]![0]!["Ref"]!.ToString())["Type"]!.ToString()));
    }

    [Fact]
    public void DataLagAlarm_WatchesAggregatorsEmfMetricInItsNamespace_NotifiesAlarmTopic()
    {
        var alarm = Assert.Single(
            Template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Value["Properties"]!),
            a => a["MetricName"]!.ToString() == "DataLag");

        // The Aggregator's EMF: namespace METRICS_NAMESPACE, dimension FunctionName=Aggregator (AggregatorHandler).
        Assert.Equal(
            Template.Properties("AggregatorFunction")["Environment"]!["Variables"]!["METRICS_NAMESPACE"]!["Fn::Sub"]!.ToString(),
            alarm["Namespace"]!["Fn::Sub"]!.ToString());
        var dimension = Assert.Single(alarm["Dimensions"]!.AsArray());
        Assert.Equal(("FunctionName", "Aggregator"), (dimension!["Name"]!.ToString(), dimension["Value"]!.ToString()));
        Assert.Equal("AlarmTopic", alarm["AlarmActions"]![0]!["Ref"]!.ToString());
    }

    [Fact]
    public void Outputs_NameWhatOperatorsNeed()
    {
        foreach (var output in new[] { "ApiUrl", "SensorKeyGroups", "TopicArn", "DeliveryStreamName" })
        {
            Assert.True(Template.Outputs.ContainsKey(output), $"Output {output} is missing.");
        }

        Assert.True(JsonNode.DeepEquals(Template.Environment("ProducerFunction")["SENSOR_KEY_GROUPS"], Template.Outputs["SensorKeyGroups"]!["Value"]),
            "The SensorKeyGroups output must be the Producer's SENSOR_KEY_GROUPS.");
        Assert.Equal("ReportTopic", Template.Outputs["TopicArn"]!["Value"]!["Ref"]!.ToString());
        Assert.Equal("DeliveryStream", Template.Outputs["DeliveryStreamName"]!["Value"]!["Ref"]!.ToString());
    }

    [Fact]
    public void ReportTopic_EmailSubscription_IsOptional()
    {
        var subscription = Template.Resource("ReportEmailSubscription");

        Assert.Equal("HasReportEmail", subscription["Condition"]!.ToString());
        Assert.Equal(string.Empty, Template.ParameterDefault("ReportEmail"));
    }

    private static IEnumerable<int> AllowedLags(int window)
    {
        var lag = Template.Parameters["DeliveryLagMinutes"]!;
        var min = int.Parse(lag["MinValue"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var max = int.Parse(lag["MaxValue"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(min, max - min + 1).Where(l => l < window);
    }

    /// <summary>The schedule expression for a window and lag: the Fn::If on HourlyWindow, then Fn::Sub.</summary>
    private static string ScheduleExpression(string window, string lag)
    {
        var choice = Template.Properties("AggregatorSchedule")["ScheduleExpression"]!["Fn::If"]!.AsArray();
        Assert.Equal("HourlyWindow", choice[0]!.ToString());
        Assert.Equal("[{\"Ref\":\"WindowMinutes\"},\"60\"]", Template.Root["Conditions"]!["HourlyWindow"]!["Fn::Equals"]!.ToJsonString());
        var text = choice[window == "60" ? 1 : 2]!["Fn::Sub"]!.ToString();
        return text.Replace("${WindowMinutes}", window, StringComparison.Ordinal).Replace("${DeliveryLagMinutes}", lag, StringComparison.Ordinal);
    }

    /// <summary>The minutes of the hour an EventBridge cron expression fires at (minutes field: n, n,m,… or n/step).</summary>
    private static List<int> CronMinutes(string expression)
    {
        var match = Cron().Match(expression);
        Assert.True(match.Success, $"'{expression}' is not an hourly cron(m * * * ? *) expression.");
        var field = match.Groups[1].Value;
        if (field.Contains('/', StringComparison.Ordinal))
        {
            var start = int.Parse(field.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
            var step = int.Parse(field.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
            return [.. Enumerable.Range(0, 60).Where(m => m >= start && (m - start) % step == 0)];
        }

        return [.. field.Split(',').Select(m => int.Parse(m, System.Globalization.CultureInfo.InvariantCulture)).Order()];
    }

    [GeneratedRegex(@"^cron\(([0-9,/]+) \* \* \* \? \*\)$")]
    private static partial Regex Cron();

    [GeneratedRegex(@"CREATE TABLE[^(]*\bbadge_reads\s*\(([^;]*?)\n\)", RegexOptions.Singleline)]
    private static partial Regex CreateBadgeReads();
}
