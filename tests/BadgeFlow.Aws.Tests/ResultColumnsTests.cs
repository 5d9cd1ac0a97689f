using BadgeFlow.Aws.RedshiftData;

namespace BadgeFlow.Aws.Tests;

public sealed class ResultColumnsTests
{
    private static readonly ColumnMetadata[] Columns = [new("row_kind", "varchar"), new("Zone_ID", "varchar"), new("footfall", "int8")];

    [Fact]
    public void Indexer_NameInAnyCase_PositionInTheResult()
    {
        var columns = new ResultColumns(Columns, "density query");

        Assert.Equal([0, 1, 2], new[] { columns["ROW_KIND"], columns["zone_id"], columns["footfall"] });
    }

    [Fact]
    public void Indexer_MissingColumn_InvalidDataNamingStatementAndColumn()
    {
        var columns = new ResultColumns(Columns, "density query");

        var error = Assert.Throws<InvalidDataException>(() => columns["occupancy"]);

        Assert.Equal("The density query's result has no column 'occupancy'.", error.Message);
    }
}
