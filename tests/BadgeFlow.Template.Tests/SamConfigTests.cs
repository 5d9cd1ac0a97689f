using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing;
using Tomlyn;
using Tomlyn.Model;

namespace BadgeFlow.Template.Tests;

/// <summary>samconfig.toml and events/env.local.json against the template they configure.</summary>
public sealed partial class SamConfigTests
{
    private static readonly Lazy<TomlTable> Config = new(() =>
        TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(RepositoryPaths.Repo("samconfig.toml")))!);

    public static TheoryData<string> Environments() => new() { "default", "production" };

    [Fact]
    public void Environments_DefaultAndProduction_DeployDistinctStacksAndStages()
    {
        Assert.Equal("badgeflow-dev", Text("default", "global", "stack_name"));
        Assert.Equal("badgeflow-prod", Text("production", "global", "stack_name"));
        Assert.Equal("dev", Overrides("default", "deploy")["Stage"]);
        Assert.Equal("prod", Overrides("production", "deploy")["Stage"]);
        Assert.Equal("/badgeflow/prod/pseudonymization-key", Overrides("production", "deploy")["PseudonymizationKeyParameterName"]);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Deploy_Environment_HasCapabilitiesTheTemplateNeedsAndResolvesItsBucket(string environment)
    {
        // The roles have fixed names (RoleName), which CloudFormation only creates with CAPABILITY_NAMED_IAM.
        var namesRoles = SamApplication.Template.ResourcesOfType("AWS::IAM::Role").Any(r => r.Value["Properties"]!["RoleName"] is not null);
        var capabilities = Text(environment, "deploy", "capabilities").Split(' ');

        Assert.True(!namesRoles || capabilities.Contains("CAPABILITY_NAMED_IAM"), $"{environment} deploys named IAM roles without CAPABILITY_NAMED_IAM.");
        Assert.True((bool)Section(environment, "deploy")["resolve_s3"]);
    }

    [Fact]
    public void Deploy_Production_ConfirmsTheChangeset()
    {
        Assert.True((bool)Section("production", "deploy")["confirm_changeset"]);
    }

    [Theory]
    [InlineData("default", "deploy")]
    [InlineData("production", "deploy")]
    [InlineData("default", "local_invoke")]
    [InlineData("default", "local_start_api")]
    public void ParameterOverrides_Each_NamesATemplateParameterWithAnAllowedValue(string environment, string command)
    {
        foreach (var (name, value) in Overrides(environment, command))
        {
            var parameter = SamApplication.Template.Parameters[name];
            Assert.True(parameter is not null, $"[{environment}.{command}] overrides {name}, which template.yaml does not declare.");
            if (parameter!["AllowedValues"] is JsonArray allowed)
            {
                Assert.Contains(value, allowed.Select(v => v!.ToString()));
            }

            if (parameter["AllowedPattern"] is JsonValue pattern)
            {
                Assert.Matches(pattern.ToString(), value);
            }
        }
    }

    [Theory]
    [InlineData("local_invoke")]
    [InlineData("local_start_api")]
    public void SamLocal_Commands_UseTheLocalEnvironmentFileAndTheLocalStackEndpoint(string command)
    {
        Assert.Equal("events/env.local.json", Text("default", command, "env_vars"));
        Assert.True(File.Exists(RepositoryPaths.Repo("events", "env.local.json")));

        // The local stack listens on port 4566 (docs/DEPLOY.md); inside sam local's container the host is host.docker.internal.
        var endpoint = new Uri(Overrides("default", command)["EndpointUrlOverride"]);
        Assert.Equal(4566, endpoint.Port);
        Assert.Equal(endpoint.ToString().TrimEnd('/'), EnvLocal()["Parameters"]!["AWS_ENDPOINT_URL"]!.ToString().TrimEnd('/'));
    }

    [Fact]
    public void EnvLocal_EveryVariable_IsDeclaredForThatFunctionInTheTemplate()
    {
        // sam local only overrides variables the template declares; anything else in the file would be ignored.
        var envLocal = EnvLocal();
        var functions = SamApplication.FunctionIds;
        foreach (var (key, variables) in envLocal)
        {
            // "Parameters" applies to every function.
            var targets = key == "Parameters" ? functions : [key];
            Assert.True(key == "Parameters" || functions.Contains(key), $"env.local.json names {key}, which is not a function of template.yaml.");
            foreach (var target in targets)
            {
                var declared = SamApplication.Template.Environment(target);
                foreach (var (name, _) in variables!.AsObject())
                {
                    Assert.True(declared.ContainsKey(name), $"env.local.json sets {name} for {target}, which template.yaml does not declare for it (sam local would ignore it).");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void EnvLocal_EveryFunction_GetsAValueForEachRequiredSetting(string functionId)
    {
        var envLocal = EnvLocal();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in new[] { envLocal["Parameters"], envLocal[functionId] })
        {
            foreach (var (name, value) in section?.AsObject() ?? [])
            {
                values[name] = value!.ToString();
            }
        }

        var required = FunctionContracts.ContractOf(functionId).EnvironmentVariables.Where(v => v.Required).Select(v => v.Name);

        Assert.All(required, name => Assert.False(string.IsNullOrWhiteSpace(values.GetValueOrDefault(name)), $"env.local.json gives {functionId} no {name}."));
    }

    public static TheoryData<string> Functions() => SamApplication.Functions();

    private static JsonObject EnvLocal() => JsonNode.Parse(File.ReadAllText(RepositoryPaths.Repo("events", "env.local.json")))!.AsObject();

    private static TomlTable Section(string environment, string command)
    {
        var table = (TomlTable)Config.Value[environment];
        Assert.True(table.ContainsKey(command), $"samconfig.toml has no [{environment}.{command}] table.");
        return (TomlTable)((TomlTable)table[command])["parameters"];
    }

    private static string Text(string environment, string command, string key) => (string)Section(environment, command)[key];

    /// <summary>parameter_overrides: Name="value" pairs separated by spaces.</summary>
    private static Dictionary<string, string> Overrides(string environment, string command) =>
        Override().Matches(Text(environment, command, "parameter_overrides"))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"(\w+)=""([^""]*)""")]
    private static partial Regex Override();
}
