using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BadgeFlow.Template.Tests.Support;

namespace BadgeFlow.Template.Tests;

/// <summary>The CloudWatch dashboard names only metrics the functions really emit: every custom metric a widget reads
/// (a metric array or a SEARCH expression) is emitted as EMF by the function its FunctionName dimension names.</summary>
public sealed partial class OperationsDashboardTests
{
    private static JsonObject Body()
    {
        var (_, dashboard) = Assert.Single(SamApplication.Template.ResourcesOfType("AWS::CloudWatch::Dashboard"));
        var text = dashboard["Properties"]!["DashboardBody"]!["Fn::Sub"]!.GetValue<string>();
        var stage = SamApplication.Template.ParameterDefault("Stage");
        var resolved = SubVariable().Replace(text, m => m.Groups[1].Value == "Stage" ? stage : "x");
        return JsonNode.Parse(resolved)!.AsObject();
    }

    /// <summary>(namespace, metric, FunctionName) of every metric the widgets read.</summary>
    private static List<(string Namespace, string Metric, string? Function)> WidgetMetrics()
    {
        var found = new List<(string, string, string?)>();
        foreach (var widget in Body()["widgets"]!.AsArray())
        {
            foreach (var entry in widget!["properties"]!["metrics"]!.AsArray())
            {
                var items = entry!.AsArray();
                if (items[0] is JsonObject expression)
                {
                    var search = SearchExpression().Match(expression["expression"]!.GetValue<string>());
                    Assert.True(search.Success, $"Unrecognised expression {expression.ToJsonString()}");
                    found.Add((search.Groups["ns"].Value, search.Groups["metric"].Value, search.Groups["function"].Success ? search.Groups["function"].Value : null));
                    continue;
                }

                var values = items.Select(i => i!.GetValue<string>()).ToList();
                var function = values.IndexOf("FunctionName") is var at and >= 0 ? values[at + 1] : null;
                found.Add((values[0], values[1], function));
            }
        }

        return found;
    }

    [Fact]
    public void Dashboard_WidgetMetrics_AreEmittedByTheFunctionsTheyName()
    {
        var metricsNamespace = "BadgeFlow/" + SamApplication.Template.ParameterDefault("Stage");
        var custom = WidgetMetrics().Where(m => !m.Namespace.StartsWith("AWS/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(custom);
        foreach (var (ns, metric, function) in custom)
        {
            Assert.Equal(metricsNamespace, ns);
            Assert.True(function is not null, $"{metric}: a custom metric widget must name its FunctionName dimension.");
            var code = FunctionSources.Load("BadgeFlow." + function).Files;
            var emitted = code.Any(f => EmfCall(metric).IsMatch(f.WithoutComments));
            Assert.True(emitted, $"{metric} is on the dashboard but BadgeFlow.{function} never emits it.");
        }
    }

    [Fact]
    public void Dashboard_Widgets_CoverTheIssuesFigures()
    {
        var names = WidgetMetrics().Select(m => m.Metric).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(["ZoneDensity", "ReadsAccepted", "ReadsRejected", "ReadsFailed", "RecordsFailed", "DataLag", "Severity"], StringComparer.Ordinal),
            names);
    }

    [Fact]
    public void Outputs_DashboardUrl_NamesTheDashboard()
    {
        var url = SamApplication.Template.Outputs["DashboardUrl"]!["Value"]!["Fn::Sub"]!.GetValue<string>();

        Assert.Contains("#dashboards:name=${OperationsDashboard}", url, StringComparison.Ordinal);
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

    private static Regex EmfCall(string metric) =>
        new($@"\.(Count|Record|Bytes|Milliseconds)\(""{Regex.Escape(metric)}""", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\$\{(?!!)([A-Za-z0-9:.]+)\}")]
    private static partial Regex SubVariable();

    [GeneratedRegex("""SEARCH\('\{(?<ns>[^,}]+),[^}]*\}\s+MetricName="(?<metric>\w+)"(\s+FunctionName="(?<function>\w+)")?""")]
    private static partial Regex SearchExpression();
}
