using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing;

namespace BadgeFlow.Template.Tests;

/// <summary>One API key per key group of the campus, all in the usage plan, and the Producer's key id → group map
/// naming exactly those keys (docs/producer-api.md "Keys").</summary>
public sealed partial class SensorKeyTests
{
    private static CloudFormationTemplate Template => SamApplication.Template;

    /// <summary>SENSOR_KEY_GROUPS as the template builds it: (logical id of the key, group), in order.</summary>
    private static List<(string KeyResource, string Group)> ProducerMap()
    {
        var join = Template.Environment("ProducerFunction")["SENSOR_KEY_GROUPS"]!["Fn::Join"]!.AsArray();
        Assert.Equal(",", join[0]!.ToString());
        return [.. join[1]!.AsArray().Select(entry =>
        {
            var match = MapEntry().Match(entry!["Fn::Sub"]?.ToString() ?? "");
            Assert.True(match.Success, $"A SENSOR_KEY_GROUPS entry must be !Sub '${{Key}}=group', not {entry!.ToJsonString()}.");
            return (match.Groups["key"].Value, match.Groups["group"].Value);
        })];
    }

    [Fact]
    public void ProducerMap_NamesOnlyApiKeysTheTemplateCreates_EachOnce()
    {
        var map = ProducerMap();
        var keys = Template.ResourcesOfType("AWS::ApiGateway::ApiKey").Select(k => k.Key).ToHashSet(StringComparer.Ordinal);

        Assert.All(map, entry => Assert.True(keys.Contains(entry.KeyResource), $"SENSOR_KEY_GROUPS names {entry.KeyResource}, which is not an AWS::ApiGateway::ApiKey of the template."));
        Assert.Equal(map.Count, map.Select(e => e.KeyResource).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(keys.Order(StringComparer.Ordinal), map.Select(e => e.KeyResource).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ProducerMap_Groups_AreExactlyTheCampusKeyGroups()
    {
        var campus = CampusRegistry.Embedded();

        var groups = ProducerMap().Select(e => e.Group).ToList();

        Assert.Equal(groups.Count, groups.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(campus.KeyGroups, groups.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ApiKeys_EachInTheSensorUsagePlan_WithAValueApiGatewayGenerates()
    {
        var planKeys = Template.ResourcesOfType("AWS::ApiGateway::UsagePlanKey").Select(p => p.Value["Properties"]!).ToList();

        foreach (var (id, key) in Template.ResourcesOfType("AWS::ApiGateway::ApiKey"))
        {
            var properties = key["Properties"]!.AsObject();
            Assert.False(properties.ContainsKey("Value"), $"{id} must not carry its value in the template.");
            Assert.Equal("true", properties["Enabled"]?.ToString());
            var inPlan = planKeys.Where(p => p["KeyId"]?["Ref"]?.ToString() == id).ToList();
            var planKey = Assert.Single(inPlan);
            Assert.Equal("SensorUsagePlan", planKey["UsagePlanId"]!["Ref"]!.ToString());
            Assert.Equal("API_KEY", planKey["KeyType"]!.ToString());
        }
    }

    [GeneratedRegex(@"^\$\{(?<key>[A-Za-z0-9]+)\}=(?<group>[A-Za-z0-9._:-]{1,64})$")]
    private static partial Regex MapEntry();
}
