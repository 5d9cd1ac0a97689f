using System.Text.Json.Nodes;

namespace BadgeFlow.Template.Tests.Support;

/// <summary>One Allow/Deny statement of a role's inline policy; <see cref="Conditional"/> when it sits in an Fn::If.</summary>
internal sealed record IamStatement(string Role, string? Sid, string Effect, IReadOnlyList<string> Actions, JsonNode? Resource, JsonNode? Condition, bool Conditional)
{
    public IReadOnlyList<JsonNode?> Resources => Resource is JsonArray array ? [.. array] : [Resource];

    public override string ToString() => $"{Role}/{Sid ?? "(no Sid)"}: {string.Join(", ", Actions)} on {Resource?.ToJsonString()}";
}

internal static class IamPolicy
{
    /// <summary>Every statement of the inline policies of <paramref name="roleLogicalId"/>, both branches of an Fn::If.</summary>
    public static IReadOnlyList<IamStatement> Statements(CloudFormationTemplate template, string roleLogicalId)
    {
        var role = template.Resource(roleLogicalId);
        Assert.Equal("AWS::IAM::Role", (string?)role["Type"]);
        var properties = role["Properties"]!.AsObject();
        Assert.False(properties.ContainsKey("ManagedPolicyArns"), $"{roleLogicalId} attaches managed policies; its inline policy must say exactly what it allows.");

        var statements = new List<IamStatement>();
        foreach (var policy in properties["Policies"]?.AsArray() ?? [])
        {
            foreach (var statement in policy!["PolicyDocument"]!["Statement"]!.AsArray())
            {
                if (statement is JsonObject conditional && conditional.ContainsKey("Fn::If"))
                {
                    foreach (var branch in conditional["Fn::If"]!.AsArray().Skip(1))
                    {
                        if (branch is JsonObject obj && !obj.ContainsKey("Ref"))
                        {
                            statements.Add(Read(roleLogicalId, obj, conditional: true));
                        }
                    }
                }
                else
                {
                    statements.Add(Read(roleLogicalId, statement!.AsObject(), conditional: false));
                }
            }
        }

        return statements;
    }

    private static IamStatement Read(string role, JsonObject statement, bool conditional)
    {
        var action = statement["Action"];
        IReadOnlyList<string> actions = action is JsonArray array ? [.. array.Select(a => a!.ToString())] : [action!.ToString()];
        return new IamStatement(role, (string?)statement["Sid"], statement["Effect"]!.ToString(), actions, statement["Resource"], statement["Condition"], conditional);
    }
}
