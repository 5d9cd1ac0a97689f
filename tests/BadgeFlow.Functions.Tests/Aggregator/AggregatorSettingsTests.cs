using BadgeFlow.Aggregator;
using BadgeFlow.Runtime;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>The completeness wait settings: whole seconds as on AWS, fractions for the local stack's fast clock.</summary>
public sealed class AggregatorSettingsTests
{
    [Fact]
    public void Read_CompletenessUnset_Defaults120And20Seconds()
    {
        var settings = AggregatorSettings.Read(Env([]));

        Assert.Equal(TimeSpan.FromSeconds(120), settings.CompletenessWait);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.CompletenessPoll);
    }

    [Theory]
    [InlineData("90", "15", 90_000, 15_000)]
    [InlineData("2", "0.333", 2_000, 333)] // 120 s and 20 s at 60× virtual speed
    [InlineData("0", "0.001", 0, 1)]
    public void Read_CompletenessWholeOrFractionalSeconds_Parsed(string wait, string poll, int waitMs, int pollMs)
    {
        var settings = AggregatorSettings.Read(Env(new() { ["COMPLETENESS_WAIT_SECONDS"] = wait, ["COMPLETENESS_POLL_SECONDS"] = poll }));

        Assert.Equal(TimeSpan.FromMilliseconds(waitMs), settings.CompletenessWait);
        Assert.Equal(TimeSpan.FromMilliseconds(pollMs), settings.CompletenessPoll);
    }

    [Fact]
    public void Read_CompletenessMalformedOrOutOfRange_OneErrorNamesBoth()
    {
        var error = Assert.Throws<SettingsException>(() => AggregatorSettings.Read(Env(new()
        {
            ["COMPLETENESS_WAIT_SECONDS"] = "two minutes",
            ["COMPLETENESS_POLL_SECONDS"] = "0",
        })));

        Assert.Contains(error.Problems, p => p.StartsWith("COMPLETENESS_WAIT_SECONDS", StringComparison.Ordinal) && p.Contains("'two minutes'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("COMPLETENESS_POLL_SECONDS", StringComparison.Ordinal));
    }

    private static EnvironmentSettings Env(Dictionary<string, string> extra)
    {
        var values = new Dictionary<string, string>
        {
            ["REDSHIFT_DATABASE"] = "dev",
            ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow",
            ["TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:badgeflow-density",
        };
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }

        return new EnvironmentSettings(values.GetValueOrDefault);
    }
}
