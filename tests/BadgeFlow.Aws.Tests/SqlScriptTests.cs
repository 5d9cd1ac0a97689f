using BadgeFlow.Aws.RedshiftData;

namespace BadgeFlow.Aws.Tests;

public sealed class SqlScriptTests
{
    [Fact]
    public void WithoutComments_WholeLineAndTrailingComments_AreRemoved()
    {
        const string sql = "-- header\nSELECT a, -- the a column\n       b\n\n  -- indented note\nFROM t;\n";

        Assert.Equal("SELECT a,\n       b\nFROM t;", SqlScript.WithoutComments(sql));
    }

    [Fact]
    public void WithoutComments_DashesInsideQuotes_AreKept()
    {
        const string sql = "SELECT '--not a comment' AS \"a--b\" -- a comment\nFROM t";

        Assert.Equal("SELECT '--not a comment' AS \"a--b\"\nFROM t", SqlScript.WithoutComments(sql));
    }

    [Fact]
    public void WithoutComments_CrLfLines_AreJoinedWithLf()
    {
        Assert.Equal("SELECT 1\nFROM t", SqlScript.WithoutComments("SELECT 1\r\n-- x\r\nFROM t\r\n"));
    }

    [Fact]
    public void WithoutComments_SingleMinus_IsNotAComment()
    {
        Assert.Equal("SELECT a - 1, -2", SqlScript.WithoutComments("SELECT a - 1, -2"));
    }
}
