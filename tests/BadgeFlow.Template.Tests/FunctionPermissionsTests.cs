using System.Text.Json.Nodes;
using BadgeFlow.Template.Tests.Support;

namespace BadgeFlow.Template.Tests;

/// <summary>
/// Least privilege, checked against the code: each function's role allows exactly the actions its AWS clients call
/// (declared in its <c>FunctionContract</c>, from the clients' own action constants), on the resources the function is
/// configured with, plus the few grants AWS itself needs on the function's behalf, each named below with its reason.
/// </summary>
public sealed class FunctionPermissionsTests
{
    /// <summary>Redshift Data API actions that have no resource type in IAM: they are scoped by a condition to the
    /// statements the caller itself ran.</summary>
    private static readonly string[] UnscopableStatementActions =
        ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"];

    private static readonly string[] LoggingActions = ["logs:CreateLogStream", "logs:PutLogEvents"];

    public static TheoryData<string> Functions() => SamApplication.Functions();

    [Theory]
    [MemberData(nameof(Functions))]
    public void Role_ActionsTheFunctionDeclares_AreAllGranted(string functionId)
    {
        var declared = FunctionContracts.ContractOf(functionId).IamActions;
        var granted = GrantedActions(functionId);

        var missing = declared.Where(a => !granted.Contains(a)).ToList();

        Assert.True(missing.Count == 0, $"{functionId}'s code calls actions its role does not allow: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Role_GrantedActions_AreOnlyDeclaredCallsAndWhatAwsNeedsForTheFunction(string functionId)
    {
        var called = FunctionContracts.ContractOf(functionId).IamActions.ToHashSet(StringComparer.Ordinal);
        var allowed = new HashSet<string>(called, StringComparer.Ordinal);

        // Lambda writes the function's stdout to its log group with the execution role.
        allowed.UnionWith(LoggingActions);

        // A SecureString under a customer managed key is decrypted with the caller's permission.
        if (called.Contains("ssm:GetParameter"))
        {
            allowed.Add("kms:Decrypt");
        }

        // The Data API reads the secret named by SecretArn with the caller's credentials.
        if (called.Any(a => a.StartsWith("redshift-data:", StringComparison.Ordinal))
            && SamApplication.Template.Environment(functionId).ContainsKey("REDSHIFT_SECRET_ARN"))
        {
            allowed.Add("secretsmanager:GetSecretValue");
        }

        // Lambda sends a failed asynchronous invocation to the OnFailure queue with the execution role.
        if (SamApplication.Template.Properties(functionId)["EventInvokeConfig"]?["DestinationConfig"]?["OnFailure"]?["Type"]?.ToString() == "SQS")
        {
            allowed.Add("sqs:SendMessage");
        }

        var wider = GrantedActions(functionId).Where(a => !allowed.Contains(a)).ToList();

        Assert.True(wider.Count == 0, $"{functionId}'s role allows {string.Join(", ", wider)}, which its code never calls.");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Role_ActionResources_AreTheResourcesTheFunctionIsConfiguredWith(string functionId)
    {
        // An action on the stream/topic/parameter/workgroup/secret must name the one the function's environment
        // points at: the same template resource or parameter.
        var variableByActionPrefix = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["firehose:"] = "DELIVERY_STREAM_NAME",
            ["ssm:GetParameter"] = "PSEUDONYMIZATION_KEY_PARAMETER",
            ["sns:Publish"] = "TOPIC_ARN",
            ["redshift-data:ExecuteStatement"] = "REDSHIFT_WORKGROUP_NAME",
            ["redshift-data:BatchExecuteStatement"] = "REDSHIFT_WORKGROUP_NAME",
            ["secretsmanager:GetSecretValue"] = "REDSHIFT_SECRET_ARN",
            ["logs:"] = "(log group)",
        };
        var environment = SamApplication.Template.Environment(functionId);
        var logGroup = SamApplication.Template.Properties(functionId)["LoggingConfig"]?["LogGroup"];

        foreach (var statement in Statements(functionId).Where(s => s.Effect == "Allow"))
        {
            foreach (var action in statement.Actions)
            {
                var prefix = variableByActionPrefix.Keys.FirstOrDefault(p => action.StartsWith(p, StringComparison.Ordinal));
                if (prefix is null)
                {
                    continue;
                }

                // ssm:GetParameter reads the Producer's and Transform's key, the Aggregator's staff on duty.
                var variable = prefix == "ssm:GetParameter" && environment.ContainsKey("STAFF_ON_DUTY_PARAMETER") ? "STAFF_ON_DUTY_PARAMETER" : variableByActionPrefix[prefix];
                var configured = prefix == "logs:" ? logGroup : environment.GetValueOrDefault(variable);
                Assert.True(configured is not null, $"{statement}: the function has no {variable} to match it against.");
                var shared = CloudFormationTemplate.References(statement.Resource).Intersect(CloudFormationTemplate.References(configured)).ToList();
                Assert.True(shared.Count > 0, $"{statement} does not name the resource {variable} points at ({configured!.ToJsonString()}).");
            }
        }
    }

    [Fact]
    public void Roles_AllRolesInTemplate_AllowNoWildcardActions()
    {
        foreach (var (roleId, _) in SamApplication.Template.ResourcesOfType("AWS::IAM::Role"))
        {
            foreach (var statement in IamPolicy.Statements(SamApplication.Template, roleId).Where(s => s.Effect == "Allow"))
            {
                Assert.All(statement.Actions, a => Assert.False(a.Contains('*', StringComparison.Ordinal), $"{statement} allows a wildcard action."));
            }
        }
    }

    [Fact]
    public void Roles_AllRolesInTemplate_NameTheirResourcesExceptStatementOwnerScopedActions()
    {
        foreach (var (roleId, _) in SamApplication.Template.ResourcesOfType("AWS::IAM::Role"))
        {
            foreach (var statement in IamPolicy.Statements(SamApplication.Template, roleId).Where(s => s.Effect == "Allow"))
            {
                foreach (var resource in statement.Resources)
                {
                    if (resource is JsonValue && resource.ToString() == "*")
                    {
                        Assert.True(statement.Actions.All(UnscopableStatementActions.Contains), $"{statement} uses Resource '*' for actions IAM can scope to a resource.");
                        Assert.Equal("${aws:userid}", statement.Condition?["StringEquals"]?["redshift-data:statement-owner-iam-userid"]?.ToString());
                    }
                    else
                    {
                        Assert.NotEmpty(CloudFormationTemplate.References(resource));
                    }
                }
            }
        }
    }

    [Fact]
    public void Roles_TrustPolicies_AdmitOnlyTheirServiceAndConfusedDeputyGuards()
    {
        var template = SamApplication.Template;
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["FirehoseRole"] = "firehose.amazonaws.com",
            ["SchedulerRole"] = "scheduler.amazonaws.com",
        };
        foreach (var functionId in SamApplication.FunctionIds)
        {
            expected[SamApplication.RoleOf(functionId)] = "lambda.amazonaws.com";
        }

        foreach (var (roleId, service) in expected)
        {
            var statements = template.Properties(roleId)["AssumeRolePolicyDocument"]!["Statement"]!.AsArray();
            var statement = Assert.Single(statements);
            Assert.Equal(service, statement!["Principal"]!["Service"]!.ToString());
            Assert.Equal("sts:AssumeRole", statement["Action"]!.ToString());
        }

        Assert.NotNull(template.Properties("FirehoseRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"]!["StringEquals"]!["sts:ExternalId"]);
        Assert.NotNull(template.Properties("SchedulerRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"]!["StringEquals"]!["aws:SourceAccount"]);
    }

    [Fact]
    public void Functions_EachFunction_HasItsOwnRole()
    {
        var roles = SamApplication.FunctionIds.Select(SamApplication.RoleOf).ToList();

        Assert.Equal(roles.Count, roles.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("ProducerFunction", "firehose:PutRecordBatch ssm:GetParameter")]
    [InlineData("TransformFunction", "ssm:GetParameter")]
    [InlineData("AggregatorFunction", "redshift-data:ExecuteStatement redshift-data:DescribeStatement redshift-data:GetStatementResult redshift-data:CancelStatement sns:Publish ssm:GetParameter")]
    [InlineData("SchemaFunction", "redshift-data:BatchExecuteStatement redshift-data:DescribeStatement redshift-data:CancelStatement")]
    public void Contract_EachFunction_DeclaresTheActionsDocumented(string functionId, string actions)
    {
        // Guards the data: docs/ARCHITECTURE.md "AWS actions each function calls", written by hand; an empty or
        // shrunken contract would let the checks above pass vacuously.
        Assert.Equal(actions.Split(' ').Order(StringComparer.Ordinal), FunctionContracts.ContractOf(functionId).IamActions.Order(StringComparer.Ordinal));
    }

    private static IReadOnlyList<IamStatement> Statements(string functionId) =>
        IamPolicy.Statements(SamApplication.Template, SamApplication.RoleOf(functionId));

    private static HashSet<string> GrantedActions(string functionId) =>
        Statements(functionId).Where(s => s.Effect == "Allow").SelectMany(s => s.Actions).ToHashSet(StringComparer.Ordinal);
}
