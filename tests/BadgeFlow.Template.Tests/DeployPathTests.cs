using System.Text.Json.Nodes;
using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing;
using Tomlyn;
using Tomlyn.Model;

namespace BadgeFlow.Template.Tests;

/// <summary>A plain <c>sam deploy</c> with the committed samconfig.toml: every parameter has a value, and the template's
/// Rules (evaluated here as CloudFormation evaluates them before creating anything) accept those values.</summary>
public sealed class DeployPathTests
{
    private static readonly CloudFormationTemplate Template = SamApplication.Template;

    [Theory]
    [InlineData("default")]
    [InlineData("production")]
    public void SamDeploy_CommittedConfig_GivesEveryParameterAValue(string environment)
    {
        var values = ParameterValues(environment);

        foreach (var (name, _) in Template.Parameters)
        {
            Assert.True(values.ContainsKey(name), $"sam deploy --config-env {environment} would ask for {name}: it has no Default and samconfig.toml does not set it.");
        }
    }

    [Theory]
    [InlineData("default")]
    [InlineData("production")]
    public void SamDeploy_CommittedConfig_PassesEveryRule(string environment)
    {
        var values = ParameterValues(environment);

        foreach (var (name, rule) in Template.Root["Rules"]!.AsObject())
        {
            if (rule!["RuleCondition"] is { } condition && !Truth(Evaluate(condition, values)))
            {
                continue;
            }

            foreach (var assertion in rule["Assertions"]!.AsArray())
            {
                Assert.True(Truth(Evaluate(assertion!["Assert"]!, values)), $"Rule {name} refuses the committed {environment} parameters: {assertion["AssertDescription"]}");
            }
        }
    }

    [Fact]
    public void Rules_VpcWithoutSubnets_IsRefusedBeforeAnythingIsCreated()
    {
        var values = ParameterValues("default");
        values["WarehouseVpcId"] = "vpc-0abc1234";

        var refused = Template.Root["Rules"]!.AsObject()
            .Where(r => r.Value!["RuleCondition"] is not { } c || Truth(Evaluate(c, values)))
            .SelectMany(r => r.Value!["Assertions"]!.AsArray())
            .Any(a => !Truth(Evaluate(a!["Assert"]!, values)));

        Assert.True(refused);
    }

    [Theory]
    // From "Grant Firehose access to an Amazon Redshift destination", Amazon Data Firehose developer guide.
    [InlineData("us-east-1", "52.70.63.192/27")]
    [InlineData("us-west-2", "52.89.255.224/27")]
    [InlineData("eu-west-1", "52.19.239.192/27")]
    [InlineData("ap-northeast-1", "13.113.196.224/27")]
    public void FirehoseCidr_Region_IsThePublishedBlock(string region, string cidr)
    {
        Assert.Equal(cidr, Template.Root["Mappings"]!["FirehoseCidrByRegion"]![region]!["Cidr"]!.ToString());
    }

    [Fact]
    public void WarehouseNetwork_NoVpcGiven_ThreeSubnetsInThreeZones()
    {
        var subnets = Template.ResourcesOfType("AWS::EC2::Subnet").Select(s => s.Value).ToList();

        Assert.Equal(3, subnets.Count);
        Assert.All(subnets, s => Assert.Equal("CreateWarehouseNetwork", s["Condition"]!.ToString()));
        Assert.Equal(["0", "1", "2"], subnets.Select(s => s["Properties"]!["AvailabilityZone"]!["Fn::Select"]![0]!.ToString()).Order());
    }

    private static Dictionary<string, JsonNode?> ParameterValues(string environment)
    {
        var config = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(RepositoryPaths.Repo("samconfig.toml")))!;
        var deploy = (TomlTable)((TomlTable)((TomlTable)config[environment])["deploy"])["parameters"];
        var overrides = (string)deploy["parameter_overrides"];

        var values = new Dictionary<string, JsonNode?>();
        foreach (var (name, parameter) in Template.Parameters)
        {
            if (parameter!["Default"] is { } value)
            {
                values[name] = Typed(parameter, value.ToString());
            }
        }

        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(overrides, "(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\""))
        {
            values[m.Groups[1].Value] = Typed(Template.Parameters[m.Groups[1].Value]!, m.Groups[2].Value);
        }

        return values;
    }

    // A CommaDelimitedList parameter is a list inside the template's functions.
    private static JsonNode Typed(JsonNode parameter, string value) =>
        parameter["Type"]!.ToString() == "CommaDelimitedList"
            ? new JsonArray(value.Split(',').Select(v => (JsonNode)JsonValue.Create(v)!).ToArray())
            : JsonValue.Create(value)!;

    private static bool Truth(JsonNode? node) => node is JsonValue v && v.GetValue<bool>();

    // The rule functions CloudFormation allows in Rules that this template uses.
    private static JsonNode? Evaluate(JsonNode node, IReadOnlyDictionary<string, JsonNode?> values)
    {
        if (node is not JsonObject o || o.Count != 1)
        {
            return node is JsonArray a ? new JsonArray(a.Select(e => Evaluate(e!, values)?.DeepClone()).ToArray()) : node.DeepClone();
        }

        var (function, argument) = o.Single();
        var args = argument as JsonArray;
        return function switch
        {
            "Ref" => values[argument!.ToString()]?.DeepClone(),
            "Fn::Equals" => JsonValue.Create(JsonNode.DeepEquals(Evaluate(args![0]!, values), Evaluate(args[1]!, values))),
            "Fn::Not" => JsonValue.Create(!Truth(Evaluate(args![0]!, values))),
            "Fn::And" => JsonValue.Create(args!.All(a => Truth(Evaluate(a!, values)))),
            "Fn::Or" => JsonValue.Create(args!.Any(a => Truth(Evaluate(a!, values)))),
            "Fn::Join" => JsonValue.Create(string.Join(args![0]!.ToString(), Evaluate(args[1]!, values)!.AsArray().Select(v => v!.ToString()))),
            "Fn::Contains" => JsonValue.Create(Evaluate(args![0]!, values)!.AsArray().Any(v => v!.ToString() == Evaluate(args[1]!, values)!.ToString())),
            _ => throw new NotSupportedException($"Rule function {function} is not evaluated by this test; add it."),
        };
    }
}
