using System.Text.Json.Nodes;
using BadgeFlow.Runtime;
using BadgeFlow.Template.Tests.Support;

namespace BadgeFlow.Template.Tests;

/// <summary>
/// The environment each function gets from template.yaml against what its code reads (its <c>FunctionContract</c>: the
/// variables its settings record reads, the host's, and the endpoint overrides of the services it calls). Decision:
/// variables read with a default (MAX_RECORD_BYTES, thresholds …) need not be set — the code's default is the
/// documented default — but every variable the template sets must be one the function reads, so a typo or a stale name
/// fails here instead of being silently ignored in AWS.
/// </summary>
public sealed class FunctionSettingsTests
{
    public static TheoryData<string> Functions() => SamApplication.Functions();

    [Theory]
    [MemberData(nameof(Functions))]
    public void Environment_RequiredVariablesOfTheContract_AreSetInTemplate(string functionId)
    {
        var environment = SamApplication.Template.Environment(functionId);

        var missing = FunctionContracts.ContractOf(functionId).EnvironmentVariables
            .Where(v => v.Required && !environment.ContainsKey(v.Name))
            .Select(v => v.Name)
            .ToList();

        Assert.True(missing.Count == 0, $"{functionId} requires variables template.yaml does not set: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Environment_EveryVariableTheTemplateSets_IsReadByFunctionCode(string functionId)
    {
        var contract = FunctionContracts.ContractOf(functionId);
        var read = contract.EnvironmentVariables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        var unread = SamApplication.Template.Environment(functionId).Keys.Where(name => !read.Contains(name)).ToList();

        Assert.True(unread.Count == 0,
            $"template.yaml sets {string.Join(", ", unread)} for {functionId}, which its code never reads (it reads {string.Join(", ", read.Order(StringComparer.Ordinal))}).");
    }

    [Theory]
    [InlineData("ProducerFunction", "DELIVERY_STREAM_NAME PSEUDONYMIZATION_KEY_PARAMETER SENSOR_KEY_GROUPS")]
    [InlineData("TransformFunction", "PSEUDONYMIZATION_KEY_PARAMETER")]
    [InlineData("AggregatorFunction", "REDSHIFT_DATABASE TOPIC_ARN")]
    [InlineData("SchemaFunction", "REDSHIFT_DATABASE")]
    public void Contract_RequiredVariables_AreTheDocumentedOnes(string functionId, string required)
    {
        // docs/ARCHITECTURE.md "Environment variables", written by hand: guards the contract the tests above rely on.
        var contract = FunctionContracts.ContractOf(functionId);

        Assert.Equal(required.Split(' ').Order(StringComparer.Ordinal), contract.EnvironmentVariables.Where(v => v.Required).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Contains(contract.EnvironmentVariables, v => v.Name == "LOG_LEVEL" && !v.Required);
        Assert.Contains(contract.EnvironmentVariables, v => v.Name == "AWS_ENDPOINT_URL" && !v.Required);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Contract_RequiredVariables_AreEachNamedWhenTheFunctionRefusesAnEmptyEnvironment(string functionId)
    {
        // The Required flags come from how the settings record reads; here they are checked against what it does.
        Action read = SamApplication.ProjectOf(functionId) switch
        {
            "BadgeFlow.Producer" => () => global::BadgeFlow.Producer.ProducerSettings.Read(new EnvironmentSettings(_ => null)),
            "BadgeFlow.Transform" => () => global::BadgeFlow.Transform.TransformSettings.Read(new EnvironmentSettings(_ => null)),
            "BadgeFlow.Aggregator" => () => global::BadgeFlow.Aggregator.AggregatorSettings.Read(new EnvironmentSettings(_ => null)),
            _ => () => global::BadgeFlow.Schema.SchemaSettings.Read(new EnvironmentSettings(_ => null)),
        };

        var error = Assert.Throws<SettingsException>(read);

        Assert.All(
            FunctionContracts.ContractOf(functionId).EnvironmentVariables.Where(v => v.Required),
            v => Assert.Contains(error.Problems, p => p.StartsWith(v.Name + " is required", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("AggregatorFunction")]
    [InlineData("SchemaFunction")]
    public void Environment_WarehouseFunctions_NameExactlyOneOfWorkgroupOrCluster(string functionId)
    {
        // ARCHITECTURE.md: exactly one of REDSHIFT_WORKGROUP_NAME / REDSHIFT_CLUSTER_IDENTIFIER.
        var environment = SamApplication.Template.Environment(functionId);

        Assert.True(environment.ContainsKey("REDSHIFT_WORKGROUP_NAME") ^ environment.ContainsKey("REDSHIFT_CLUSTER_IDENTIFIER"));
        Assert.True(environment.ContainsKey("REDSHIFT_DATABASE"));
    }

    [Fact]
    public void Environment_Aggregator_WindowAndLagAreTheScheduleParameters()
    {
        // The schedule is built from WindowMinutes/DeliveryLagMinutes: the function must compute windows from the same.
        var environment = SamApplication.Template.Environment("AggregatorFunction");

        Assert.Equal("WindowMinutes", environment["WINDOW_MINUTES"]?["Ref"]?.ToString());
        Assert.Equal("DeliveryLagMinutes", environment["DELIVERY_LAG_MINUTES"]?["Ref"]?.ToString());
    }

    [Fact]
    public void Environment_PseudonymizingFunctions_ShareOneKeyParameter()
    {
        var producer = SamApplication.Template.Environment("ProducerFunction")["PSEUDONYMIZATION_KEY_PARAMETER"];
        var transform = SamApplication.Template.Environment("TransformFunction")["PSEUDONYMIZATION_KEY_PARAMETER"];

        Assert.True(JsonNode.DeepEquals(producer, transform), "Producer and Transform must hash badge IDs with the same key.");
        Assert.Equal("PseudonymizationKeyParameterName", producer?["Ref"]?.ToString());
        Assert.Empty(SamApplication.Template.ResourcesOfType("AWS::SSM::Parameter"));
    }
}
