using System.Text.Json.Nodes;
using BadgeFlow.Template.Tests.Support;
using BadgeFlow.Testing;

namespace BadgeFlow.Template.Tests;

/// <summary>The template through the tools nobody here wrote: cfn-lint and the SAM translator.</summary>
public sealed class TemplateToolTests
{
    [Fact]
    [Trait("Category", "Integration")]
    public async Task CfnLint_Template_ReportsNoErrorsAndNoWarnings()
    {
        var cfnLint = ExternalProcess.Require("cfn-lint", "install it with `pip install cfn-lint`.");

        var result = await ExternalProcess.RunAsync(cfnLint, ["template.yaml"], RepositoryPaths.RepositoryRoot, TimeSpan.FromMinutes(3));

        // cfn-lint exits 0 only when it found no error, warning or informational finding.
        Assert.True(result.ExitCode == 0, $"cfn-lint template.yaml is not clean:\n{result.Describe()}");
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task SamTranslator_Template_TransformsIntoCloudFormation()
    {
        var transformed = await TransformAsync();
        var resources = transformed["Resources"]!.AsObject();

        Assert.DoesNotContain(resources, r => r.Value!["Type"]!.ToString().StartsWith("AWS::Serverless::", StringComparison.Ordinal));
        foreach (var functionId in SamApplication.FunctionIds)
        {
            var function = resources[functionId]!;
            Assert.Equal("AWS::Lambda::Function", function["Type"]!.ToString());
            Assert.Equal("dotnet10", function["Properties"]!["Runtime"]!.ToString());
            Assert.Equal("bootstrap", function["Properties"]!["Handler"]!.ToString());
            Assert.Equal("x86_64", function["Properties"]!["Architectures"]![0]!.ToString());
        }

        // API Gateway checks the key before the Producer runs, and may invoke it.
        var post = resources["SensorApi"]!["Properties"]!["Body"]!["paths"]!["/reads"]!["post"]!;
        Assert.Contains(post["security"]!.AsArray(), s => s!.AsObject().ContainsKey("api_key"));
        Assert.Equal("aws_proxy", post["x-amazon-apigateway-integration"]!["type"]!.ToString());
        Assert.Contains(resources, r => r.Value!["Type"]!.ToString() == "AWS::Lambda::Permission"
                                        && r.Value["Properties"]!["FunctionName"]!["Ref"]?.ToString() == "ProducerFunction");

        // The usage plan is bound to the stage SAM creates for the API.
        var stage = resources["SensorUsagePlan"]!["Properties"]!["ApiStages"]![0]!["Stage"]!["Ref"]!.ToString();
        Assert.Equal("AWS::ApiGateway::Stage", resources[stage]!["Type"]!.ToString());

        // Failed asynchronous Aggregator runs go to the dead-letter queue.
        var invokeConfig = resources.Single(r => r.Value!["Type"]!.ToString() == "AWS::Lambda::EventInvokeConfig").Value!;
        Assert.Equal("ScheduleDeadLetterQueue", invokeConfig["Properties"]!["DestinationConfig"]!["OnFailure"]!["Destination"]!["Fn::GetAtt"]![0]!.ToString());
    }

    private static async Task<JsonObject> TransformAsync()
    {
        var python = ExternalProcess.Require("python3", "install Python 3 with aws-sam-translator (`pip install aws-sam-translator`).");
        var script = RepositoryPaths.Repo("tests", "BadgeFlow.Template.IntegrationTests", "sam_transform.py");

        var result = await ExternalProcess.RunAsync(
            python,
            [script, "template.yaml"],
            RepositoryPaths.RepositoryRoot,
            TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["AWS_DEFAULT_REGION"] = "us-east-1" });

        Assert.False(result.ExitCode == 3, $"aws-sam-translator is missing: {result.StandardError}");
        Assert.True(result.ExitCode == 0, $"The SAM transform of template.yaml failed:\n{result.Describe()}");
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }
}
