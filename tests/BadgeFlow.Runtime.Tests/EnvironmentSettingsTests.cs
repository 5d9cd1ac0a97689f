namespace BadgeFlow.Runtime.Tests;

public sealed class EnvironmentSettingsTests
{
    [Fact]
    public void Variables_AfterReading_ListEachNameOnceInOrderWithWhetherItIsRequired()
    {
        var env = Settings(new() { ["B"] = "2" });

        env.Optional("A");
        env.Int32("B", defaultValue: 1);
        env.Required("C");
        env.Optional("A", "x");
        env.Uri("D", required: true);
        env.Double("E", defaultValue: 0.5);
        env.Required("A");

        Assert.Equal(
            [new SettingVariable("A", true), new SettingVariable("B", false), new SettingVariable("C", true), new SettingVariable("D", true), new SettingVariable("E", false)],
            env.Variables);
    }

    [Fact]
    public void ThrowIfInvalid_SeveralProblems_OneExceptionNamesEveryVariable()
    {
        var env = Settings(new()
        {
            ["MAX_RECORD_BYTES"] = "lots",
            ["MAX_READS_PER_REQUEST"] = "0",
            ["WARNING_UTILISATION"] = "1,5",
            ["WARNING_LEVEL"] = "Z",
            ["AWS_ENDPOINT_URL"] = "localhost:4566",
        });

        env.Required("DELIVERY_STREAM_NAME");
        env.Required("PSEUDONYMIZATION_KEY_PARAMETER");
        env.Int32("MAX_RECORD_BYTES", defaultValue: 5100, min: 512, max: 1_024_000);
        env.Int32("MAX_READS_PER_REQUEST", defaultValue: 1000, min: 1, max: 10_000);
        env.Double("WARNING_UTILISATION", defaultValue: 0.85, min: 0, max: 10);
        env.Choice("WARNING_LEVEL", "E", "A", "B", "C", "D", "E", "F");
        env.Uri("AWS_ENDPOINT_URL");

        var error = Assert.Throws<SettingsException>(env.ThrowIfInvalid);
        Assert.Equal(7, error.Problems.Count);
        foreach (var name in new[] { "DELIVERY_STREAM_NAME", "PSEUDONYMIZATION_KEY_PARAMETER", "MAX_RECORD_BYTES", "MAX_READS_PER_REQUEST", "WARNING_UTILISATION", "WARNING_LEVEL", "AWS_ENDPOINT_URL" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readers_UnsetOrBlank_ReturnDefaultsWithoutProblems()
    {
        var env = Settings(new() { ["WINDOW_MINUTES"] = "  ", ["TOP_ZONES"] = "" });

        Assert.Equal(15, env.Int32("WINDOW_MINUTES", 15, 1, 1440));
        Assert.Equal(10, env.Int32("TOP_ZONES", 10, 1, 100));
        Assert.Equal(0.85, env.Double("WARNING_UTILISATION", 0.85, 0, 10));
        Assert.Equal("BadgeFlow", env.Optional("METRICS_NAMESPACE", "BadgeFlow"));
        Assert.Null(env.Optional("REDSHIFT_SECRET_ARN"));
        Assert.Null(env.Uri("AWS_ENDPOINT_URL_SNS"));
        Assert.True(env.IsValid);
        env.ThrowIfInvalid();
    }

    [Fact]
    public void Readers_ValidValues_AreParsed()
    {
        var env = Settings(new()
        {
            ["DELIVERY_STREAM_NAME"] = " badge-reads ",
            ["MAX_RECORD_BYTES"] = "4096",
            ["CRITICAL_UTILISATION"] = "1.25",
            ["CRITICAL_LEVEL"] = "f",
            ["LOG_LEVEL"] = "warning",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566",
        });

        Assert.Equal("badge-reads", env.Required("DELIVERY_STREAM_NAME"));
        Assert.Equal(4096, env.Int32("MAX_RECORD_BYTES", 5100, 512, 1_024_000));
        Assert.Equal(1.25, env.Double("CRITICAL_UTILISATION", 1.0, 0, 10));
        Assert.Equal("F", env.Choice("CRITICAL_LEVEL", "F", "A", "B", "C", "D", "E", "F"));
        Assert.Equal(LogLevel.Warning, env.Enum("LOG_LEVEL", LogLevel.Information));
        Assert.Equal(new Uri("http://127.0.0.1:4566"), env.Uri("AWS_ENDPOINT_URL"));
        Assert.True(env.IsValid);
    }

    [Fact]
    public void Int32_OutOfRange_ProblemStatesRangeAndValue()
    {
        var env = Settings(new() { ["WINDOW_MINUTES"] = "2000" });

        Assert.Equal(15, env.Int32("WINDOW_MINUTES", 15, 1, 1440));

        Assert.Equal("WINDOW_MINUTES must be between 1 and 1440, but is 2000.", Assert.Single(env.Problems));
    }

    [Fact]
    public void Build_CustomRuleAdded_ThrowsWithIt()
    {
        var env = Settings(new() { ["REDSHIFT_DATABASE"] = "dev" });

        var error = Assert.Throws<SettingsException>(() => env.Build(e =>
        {
            var database = e.Required("REDSHIFT_DATABASE");
            if (e.Optional("REDSHIFT_WORKGROUP_NAME") is null == e.Optional("REDSHIFT_CLUSTER_IDENTIFIER") is null)
            {
                e.AddProblem("Exactly one of REDSHIFT_WORKGROUP_NAME or REDSHIFT_CLUSTER_IDENTIFIER must be set.");
            }

            return database;
        }));

        Assert.Equal(["Exactly one of REDSHIFT_WORKGROUP_NAME or REDSHIFT_CLUSTER_IDENTIFIER must be set."], error.Problems);
    }

    private static EnvironmentSettings Settings(Dictionary<string, string> variables) =>
        new(name => variables.GetValueOrDefault(name));
}
