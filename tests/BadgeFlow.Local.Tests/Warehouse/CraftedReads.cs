using System.Globalization;
using BadgeFlow.Local.Warehouse;
using BadgeFlow.Testing;

namespace BadgeFlow.Local.Tests.Warehouse;

/// <summary>The crafted reads, schema and density parameters shared by the density SQL's engine tests: worked out by hand
/// on DuckDB (<see cref="DensityQueryOnWarehouseTests"/>) and compared row for row on PostgreSQL (the integration
/// project's DensityQueryOnPostgresTests).</summary>
internal static class CraftedReads
{
    // Report window [10:00, 10:15); previous window [09:45, 10:00). Zones: hall (s-hall-1, s-hall-2), foyer (s-foyer),
    // cafe (s-cafe), stage (s-stage); s-ghost is missing from the registry, so Transform wrote zone_id null.
    // Presence timeout 24 min: a badge occupies the zone of its latest read at or after 10:15 − 24 = 09:51:00 for the
    // report window, at or after 10:00 − 24 = 09:36:00 for the previous one.
    // Shared with DensityQueryOnPostgresTests, which runs the same SQL over the same reads on PostgreSQL.
    internal static readonly string[] Reads =
    [
        // previous window
        Read("p1", "2026-11-25 09:45:00.000000", "b1", "s-foyer", "foyer"), // exactly on the previous start: included
        Read("p2", "2026-11-25 09:50:00.000000", "b2", "s-hall-1", "hall"),
        Read("p3", "2026-11-25 09:59:59.999999", "b1", "s-hall-1", "hall"), // last instant of the previous window
        Read("p4", "2026-11-25 09:44:59.999999", "b9", "s-cafe", "cafe"), // before the previous window: in neither
        Read("p5", "2026-11-25 09:55:00.000000", "b10", "s-cafe", "cafe"), // not read since: still in cafe at 10:15 (20 min)
        Read("p6", "2026-11-25 09:50:59.000000", "b11", "s-foyer", "foyer"), // 24:01 before 10:15: timed out there
        Read("p7", "2026-11-25 09:51:00.000000", "b12", "s-hall-1", "hall"), // exactly 24 min before 10:15: still present
        Read("p8", "2026-11-25 09:40:00.000000", "b13", "s-stage", "stage"), // before both windows, within the previous horizon
        // report window
        Read("c1", "2026-11-25 10:00:00.000000", "b2", "s-hall-2", "hall"), // exactly on the window start: current
        Read("c2", "2026-11-25 10:05:00.000000", "b1", "s-foyer", "foyer"),
        Read("c3", "2026-11-25 10:06:00.000000", "b1", "s-hall-1", "hall"),
        Read("c4", "2026-11-25 10:07:00.000000", "b1", "s-cafe", "cafe"), // b1 seen in three zones, last in cafe
        Read("c5", "2026-11-25 10:08:00.000000", "b3", "s-ghost", null),
        Read("c6", "2026-11-25 10:09:00.000000", "b3", "s-foyer", "foyer"),
        Read("c7", "2026-11-25 10:10:00.000000", "b4", "s-foyer", "foyer"),
        Read("c8", "2026-11-25 10:12:00.000000", "b4", "s-ghost", null), // b4 last seen by an unmapped sensor
        Read("c9", "2026-11-25 10:11:00.000000", "b5", "s-hall-1", "hall"),
        Read("c10", "2026-11-25 10:11:00.000000", "b5", "s-hall-2", "hall"), // same instant, same zone
        Read("c11", "2026-11-25 10:13:00.000000", "b6", "s-cafe", "cafe"),
        Read("c12", "2026-11-25 10:13:00.000000", "b6", "s-foyer", "foyer"), // same instant, other zone: tie on sensor_id
        Read("c13", "2026-11-25 10:14:00.000000", "b2", "s-hall-2", "hall"),
        Read("c13", "2026-11-25 10:14:00.000000", "b2", "s-hall-2", "hall"), // delivered twice by Firehose
        Read("c14", "2026-11-25 10:15:00.000000", "b7", "s-cafe", "cafe"), // exactly on the window end: excluded
        Read("c15", "2026-11-25 10:14:59.500000", "b8", "s-ghost", null), // latest read before the window end
    ];

    internal static string DensityQuerySql() =>
        File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Aggregator", "Density", "DensityQuery.sql"));

    /// <summary>The Data API parameters as the Aggregator passes them: window bounds, and the horizons (window end and
    /// start minus the timeout), all in the same text format.</summary>
    internal static IReadOnlyDictionary<string, string?> Parameters(string previousStart, string windowStart, string windowEnd, int presenceTimeoutMinutes)
    {
        static string Minus(string time, int minutes) =>
            DateTime.ParseExact(time, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture).AddMinutes(-minutes)
                .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["window_start"] = windowStart,
            ["window_end"] = windowEnd,
            ["previous_start"] = previousStart,
            ["presence_since"] = Minus(windowEnd, presenceTimeoutMinutes),
            ["previous_presence_since"] = Minus(windowStart, presenceTimeoutMinutes),
            ["excluded_sensors"] = "|", // no implausible stream here: ImplausibleStreamsOnWarehouseTests
            ["excluded_sensor_minutes"] = "|",
        };
    }

    internal static IReadOnlyList<string> SchemaStatements() =>
        File.ReadAllText(RepositoryPaths.Repo("functions", "BadgeFlow.Schema", "Schema.sql"))
            .Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .ToList();

    internal static string Read(string readId, string readAt, string badge, string sensor, string? zone) =>
        $$"""{"read_id":"{{readId}}","read_at":"{{readAt}}","badge_hash":"{{badge}}","sensor_id":"{{sensor}}","zone_id":{{(zone is null ? "null" : $"\"{zone}\"")}},"venue":{{(zone is null ? "null" : "\"expo\"")}},"rssi":-60,"received_at":"{{readAt}}","source":"api"}""";

    internal static string Render(IReadOnlyList<WarehouseField> row) =>
        string.Join('|', row.Select(f => f.IsNull == true ? "null" : f.LongValue?.ToString(CultureInfo.InvariantCulture) ?? f.StringValue));
}
