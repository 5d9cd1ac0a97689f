using BadgeFlow.Aws.RedshiftData;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>Builds result rows shaped like DensityQuery.sql's output, as the Data API returns them.</summary>
internal static class DensityRows
{
    public static readonly IReadOnlyList<ColumnMetadata> Columns =
    [
        new("row_kind", "varchar"), new("zone_id", "varchar"), new("footfall", "int8"), new("occupancy", "int8"),
        new("previous_footfall", "int8"), new("previous_occupancy", "int8"), new("reads", "int8"),
        new("distinct_badges", "int8"), new("unmapped_reads", "int8"), new("latest_read_at", "timestamp"),
    ];

    private static readonly Field Null = new(true, null, null, null, null);

    public static IReadOnlyList<Field> Summary(long reads, long badges, long unmapped, string? latestReadAt) =>
    [
        Text("summary"), Null, Null, Null, Null, Null, Long(reads), Long(badges), Long(unmapped), latestReadAt is null ? Null : Text(latestReadAt),
    ];

    public static IReadOnlyList<Field> Zone(string zoneId, long footfall, long occupancy, long previousFootfall, long previousOccupancy) =>
    [
        Text("zone"), Text(zoneId), Long(footfall), Long(occupancy), Long(previousFootfall), Long(previousOccupancy), Null, Null, Null, Null,
    ];

    private static Field Text(string value) => new(false, null, null, null, value);

    private static Field Long(long value) => new(false, null, value, null, null);
}
