using BadgeFlow.Domain.Density;

namespace BadgeFlow.Domain.Tests.Density;

public sealed class SeverityThresholdsTests
{
    [Theory]
    [InlineData(0.0, LevelOfService.A, Severity.Info)]
    [InlineData(0.8499, LevelOfService.D, Severity.Info)]
    [InlineData(0.85, LevelOfService.A, Severity.Warning)] // 85 % of capacity
    [InlineData(0.10, LevelOfService.E, Severity.Warning)] // grade E
    [InlineData(0.9999, LevelOfService.E, Severity.Warning)]
    [InlineData(1.0, LevelOfService.A, Severity.Critical)] // at capacity
    [InlineData(0.10, LevelOfService.F, Severity.Critical)] // grade F
    public void Classify_DefaultThresholds_DesignSeverity(double utilisation, LevelOfService level, Severity expected)
    {
        Assert.Equal(expected, SeverityThresholds.Default.Classify(utilisation, level));
    }

    [Fact]
    public void Classify_CustomThresholds_UsesThem()
    {
        var thresholds = new SeverityThresholds(0.5, 0.75, LevelOfService.C, LevelOfService.D);

        Assert.Equal(Severity.Warning, thresholds.Classify(0.5, LevelOfService.A));
        Assert.Equal(Severity.Warning, thresholds.Classify(0.1, LevelOfService.C));
        Assert.Equal(Severity.Critical, thresholds.Classify(0.75, LevelOfService.A));
        Assert.Equal(Severity.Critical, thresholds.Classify(0.1, LevelOfService.D));
        Assert.Equal(Severity.Info, thresholds.Classify(0.49, LevelOfService.B));
    }

    [Theory]
    [InlineData(0.9, 0.8)]
    [InlineData(0.0, 1.0)]
    [InlineData(-1.0, 1.0)]
    public void Constructor_InconsistentUtilisation_Throws(double warning, double critical)
    {
        Assert.Throws<ArgumentException>(() => new SeverityThresholds(warning, critical, LevelOfService.E, LevelOfService.F));
    }

    [Fact]
    public void Constructor_CriticalLevelBelowWarningLevel_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SeverityThresholds(0.85, 1.0, LevelOfService.F, LevelOfService.E));
    }
}
