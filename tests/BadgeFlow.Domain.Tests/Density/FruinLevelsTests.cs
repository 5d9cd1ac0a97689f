using BadgeFlow.Domain.Density;

namespace BadgeFlow.Domain.Tests.Density;

public sealed class FruinLevelsTests
{
    [Theory]
    [InlineData(0.0, LevelOfService.A)]
    [InlineData(0.83, LevelOfService.A)] // bounds are inclusive
    [InlineData(0.8301, LevelOfService.B)]
    [InlineData(1.08, LevelOfService.B)]
    [InlineData(1.09, LevelOfService.C)]
    [InlineData(1.54, LevelOfService.C)]
    [InlineData(1.55, LevelOfService.D)]
    [InlineData(3.59, LevelOfService.D)]
    [InlineData(3.6, LevelOfService.E)]
    [InlineData(5.38, LevelOfService.E)]
    [InlineData(5.3801, LevelOfService.F)]
    [InlineData(12.0, LevelOfService.F)]
    public void FromDensity_PersonsPerSquareMetre_FruinGrade(double density, LevelOfService expected)
    {
        Assert.Equal(expected, FruinLevels.FromDensity(density));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void FromDensity_NotADensity_Throws(double density)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FruinLevels.FromDensity(density));
    }

    [Theory]
    [InlineData("A", true, LevelOfService.A)]
    [InlineData("e", true, LevelOfService.E)]
    [InlineData("F", true, LevelOfService.F)]
    [InlineData("G", false, LevelOfService.A)]
    [InlineData("EF", false, LevelOfService.A)]
    [InlineData("", false, LevelOfService.A)]
    [InlineData(null, false, LevelOfService.A)]
    public void TryParse_Letter_Level(string? text, bool ok, LevelOfService expected)
    {
        Assert.Equal(ok, FruinLevels.TryParse(text, out var level));
        Assert.Equal(expected, level);
    }
}
