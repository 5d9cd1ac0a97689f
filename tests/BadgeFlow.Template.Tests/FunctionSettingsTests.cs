using System.Text.Json.Nodes;
using BadgeFlow.Template.Tests.Support;

namespace BadgeFlow.Template.Tests;

/// <summary>
/// The environment each function gets from template.yaml against what its code reads (EnvironmentSettings calls in the
/// function and the library types it uses). Decision: variables read with a default (MAX_RECORD_BYTES, thresholds …)
/// need not be set — the code's default is the documented default — but every variable the template sets must be
/// one the function reads, so a typo or a stale name fails here instead of being silently ignored in AWS.
/// </summary>
public sealed class FunctionSettingsTests
{
    /// <summary>Read by the AWS clients through the SDK-standard lookup, not EnvironmentSettings.</summary>
    private static readonly string[] SdkStandardVariables = ["AWS_ENDPOINT_URL"];

    public static TheoryData<string> Functions() => SamApplication.Functions();

    [Theory]
    [MemberData(nameof(Functions))]
    public void Environment_RequiredSettingsOfFunctionCode_AreSetInTemplate(string functionId)
    {
        var sources = FunctionSources.Load(SamApplication.ProjectOf(functionId));
        var environment = SamApplication.Template.Environment(functionId);

        var missing = sources.SettingReads()
            .Where(r => r.Kind == SettingKind.Required && !environment.ContainsKey(r.Variable))
            .Select(r => $"{r.Variable} (required in {r.File})")
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, $"{functionId} reads settings template.yaml does not set: {string.Join("; ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Environment_EveryVariableTheTemplateSets_IsReadByFunctionCode(string functionId)
    {
        var sources = FunctionSources.Load(SamApplication.ProjectOf(functionId));
        var read = sources.SettingReads().Select(r => r.Variable).ToHashSet(StringComparer.Ordinal);

        var unread = SamApplication.Template.Environment(functionId).Keys
            .Where(name => !read.Contains(name) && !(SdkStandardVariables.Contains(name) && sources.HasStringLiteral(name)))
            .ToList();

        Assert.True(unread.Count == 0, $"template.yaml sets {string.Join(", ", unread)} for {functionId}, which its code never reads ({sources.Describe()}).");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void SettingsScan_EachFunction_FindsTheCommonSettings(string functionId)
    {
        // Guards the scanner itself: every function reads LOG_LEVEL (through LambdaHost); if the scan stops seeing
        // it, the two tests above would pass vacuously.
        var reads = FunctionSources.Load(SamApplication.ProjectOf(functionId)).SettingReads();

        Assert.Contains(reads, r => r.Variable == "LOG_LEVEL");
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

    [Fact]
    public void SourceScanner_DocCommentExample_IsNotReadAsCode()
    {
        var stripped = SourceFile.Strip(
            "/// env.Required(\"DELIVERY_STREAM_NAME\");\nvar url = \"http://x\"; // env.Required(\"NOT_CODE\")\nvar s = env.Required(\"REAL\");",
            keepStrings: true);

        Assert.DoesNotContain("DELIVERY_STREAM_NAME", stripped, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT_CODE", stripped, StringComparison.Ordinal);
        Assert.Contains("\"http://x\"", stripped, StringComparison.Ordinal);
        Assert.Contains("env.Required(\"REAL\")", stripped, StringComparison.Ordinal);
    }
}
