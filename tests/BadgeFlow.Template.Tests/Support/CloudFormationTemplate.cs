using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace BadgeFlow.Template.Tests.Support;

/// <summary>
/// A CloudFormation/SAM template read into a JSON tree, with the YAML short forms (<c>!Ref</c>, <c>!Sub</c>,
/// <c>!GetAtt</c>, <c>!If</c> …) turned into their long forms (<c>{"Ref": …}</c>, <c>{"Fn::Sub": …}</c>) exactly as
/// CloudFormation reads them, so the checks look at one shape whichever form the template uses.
/// </summary>
internal sealed partial class CloudFormationTemplate
{
    private CloudFormationTemplate(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public JsonObject Resources => Root["Resources"]!.AsObject();

    public JsonObject Parameters => Root["Parameters"]?.AsObject() ?? [];

    public JsonObject Outputs => Root["Outputs"]?.AsObject() ?? [];

    public static CloudFormationTemplate Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        var root = Convert(stream.Documents[0].RootNode) as JsonObject
                   ?? throw new InvalidDataException($"{path} is not a YAML mapping.");
        return new CloudFormationTemplate(root);
    }

    public JsonObject Resource(string logicalId) =>
        Resources[logicalId]?.AsObject() ?? throw new KeyNotFoundException($"template.yaml has no resource {logicalId}.");

    public JsonObject Properties(string logicalId) => Resource(logicalId)["Properties"]?.AsObject() ?? [];

    public IEnumerable<KeyValuePair<string, JsonObject>> ResourcesOfType(string type) =>
        Resources.Where(r => (string?)r.Value!["Type"] == type).Select(r => KeyValuePair.Create(r.Key, r.Value!.AsObject()));

    /// <summary>A parameter's default value as text ("" when it has none).</summary>
    public string ParameterDefault(string name) =>
        Parameters[name]?["Default"]?.ToString() ?? throw new KeyNotFoundException($"Parameter {name} has no default.");

    /// <summary>The function's environment as SAM deploys it: Globals.Function.Environment merged under the function's.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Environment(string functionLogicalId)
    {
        var merged = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var source in new[] { Root["Globals"]?["Function"], Properties(functionLogicalId) })
        {
            if (source?["Environment"]?["Variables"] is JsonObject variables)
            {
                foreach (var (name, value) in variables)
                {
                    merged[name] = value;
                }
            }
        }

        return merged;
    }

    /// <summary>A function property, falling back to Globals.Function as SAM does.</summary>
    public JsonNode? FunctionProperty(string functionLogicalId, string property) =>
        Properties(functionLogicalId)[property] ?? Root["Globals"]?["Function"]?[property];

    /// <summary>Every parameter and resource a node refers to: <c>Ref</c>, <c>Fn::GetAtt</c>, and the <c>${Name}</c> /
    /// <c>${Name.Attribute}</c> variables of <c>Fn::Sub</c> (pseudo parameters such as AWS::Region excluded).</summary>
    public static ISet<string> References(JsonNode? node)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Collect(node, found);
        return found;

        static void Collect(JsonNode? node, HashSet<string> found)
        {
            switch (node)
            {
                case JsonObject obj when obj.Count == 1 && obj.ContainsKey("Ref"):
                    var name = obj["Ref"]!.ToString();
                    if (!name.StartsWith("AWS::", StringComparison.Ordinal))
                    {
                        found.Add(name.Split('.')[0]);
                    }

                    break;
                case JsonObject obj when obj.Count == 1 && obj.ContainsKey("Fn::GetAtt"):
                    found.Add(obj["Fn::GetAtt"]![0]!.ToString());
                    break;
                case JsonObject obj when obj.Count == 1 && obj.ContainsKey("Fn::Sub"):
                    var sub = obj["Fn::Sub"]!;
                    var text = sub is JsonArray parts ? parts[0]!.ToString() : sub.ToString();
                    foreach (Match variable in SubVariable().Matches(text))
                    {
                        var target = variable.Groups[1].Value.Split('.')[0];
                        if (!target.StartsWith("AWS::", StringComparison.Ordinal))
                        {
                            found.Add(target);
                        }
                    }

                    if (sub is JsonArray { Count: 2 } withVariables)
                    {
                        Collect(withVariables[1], found);
                    }

                    break;
                case JsonObject obj:
                    foreach (var (_, value) in obj)
                    {
                        Collect(value, found);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Collect(item, found);
                    }

                    break;
            }
        }
    }

    /// <summary>Resolves <c>Fn::Sub</c> text with the parameters' default values (the stack a plain deploy creates).</summary>
    public string SubstituteDefaults(string subText) =>
        SubVariable().Replace(subText, m => ParameterDefault(m.Groups[1].Value));

    [GeneratedRegex(@"\$\{(?!!)([A-Za-z0-9:.]+)\}")]
    private static partial Regex SubVariable();

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? value = node switch
        {
            YamlMappingNode mapping => ConvertMapping(mapping),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
            YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
            _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
        };

        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        if (tag is null || !tag.StartsWith('!') || tag.StartsWith("!!", StringComparison.Ordinal))
        {
            return value;
        }

        // The short forms CloudFormation documents: !Ref and !Condition keep their names, !GetAtt "A.B.C" is
        // ["A", "B.C"], every other !Name is Fn::Name.
        var function = tag[1..];
        return function switch
        {
            "Ref" => new JsonObject { ["Ref"] = value },
            "Condition" => new JsonObject { ["Condition"] = value },
            "GetAtt" when value is JsonValue dotted => new JsonObject
            {
                ["Fn::GetAtt"] = new JsonArray(
                    JsonValue.Create(dotted.ToString()[..dotted.ToString().IndexOf('.', StringComparison.Ordinal)]),
                    JsonValue.Create(dotted.ToString()[(dotted.ToString().IndexOf('.', StringComparison.Ordinal) + 1)..])),
            },
            _ => new JsonObject { ["Fn::" + function] = value },
        };
    }

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var obj = new JsonObject();
        foreach (var (key, child) in mapping.Children)
        {
            obj[((YamlScalarNode)key).Value!] = Convert(child);
        }

        return obj;
    }
}
