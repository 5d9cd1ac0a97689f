using System.Text.Json.Nodes;
using BadgeFlow.Testing;

namespace BadgeFlow.Template.Tests.Support;

/// <summary>The SAM application's files, read once per test run.</summary>
internal static class SamApplication
{
    private static readonly Lazy<CloudFormationTemplate> LazyTemplate = new(() => CloudFormationTemplate.Load(TemplatePath));

    public static string TemplatePath => RepositoryPaths.Repo("template.yaml");

    public static CloudFormationTemplate Template => LazyTemplate.Value;

    /// <summary>Logical ids of the template's functions (AWS::Serverless::Function).</summary>
    public static IReadOnlyList<string> FunctionIds =>
        [.. Template.ResourcesOfType("AWS::Serverless::Function").Select(r => r.Key).Order(StringComparer.Ordinal)];

    /// <summary>The project a function is built from: ProducerFunction → BadgeFlow.Producer.</summary>
    public static string ProjectOf(string functionLogicalId)
    {
        Assert.EndsWith("Function", functionLogicalId, StringComparison.Ordinal);
        return "BadgeFlow." + functionLogicalId[..^"Function".Length];
    }

    public static TheoryData<string> Functions()
    {
        var data = new TheoryData<string>();
        foreach (var id in FunctionIds)
        {
            data.Add(id);
        }

        return data;
    }

    /// <summary>The role a function runs with (Role: !GetAtt XRole.Arn).</summary>
    public static string RoleOf(string functionLogicalId)
    {
        var role = Template.Properties(functionLogicalId)["Role"];
        Assert.True(role?["Fn::GetAtt"] is JsonArray, $"{functionLogicalId} must run with its own role (Role: !GetAtt <Role>.Arn), not one SAM generates.");
        return role!["Fn::GetAtt"]![0]!.ToString();
    }
}
