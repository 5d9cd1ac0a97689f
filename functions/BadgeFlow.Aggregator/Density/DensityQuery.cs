using System.Globalization;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Density;

/// <summary>What the density query returned, and what it cost.</summary>
public sealed record DensityQueryResult(WindowCounts Counts, string StatementId, TimeSpan RedshiftDuration, int Pages);

/// <summary>
/// Runs <c>DensityQuery.sql</c> (embedded; the same file runs on Redshift and on the local DuckDB warehouse) for a window
/// and its predecessor, and reads its rows into <see cref="WindowCounts"/>.
/// </summary>
public sealed class DensityQuery
{
    /// <summary>The statement text, as embedded from Density/DensityQuery.sql.</summary>
    public static readonly string Sql = LoadSql();

    private readonly StatementRunner _runner;
    private readonly RedshiftTarget _target;
    private readonly TimeSpan _presenceTimeout;

    public DensityQuery(StatementRunner runner, RedshiftTarget target, TimeSpan presenceTimeout)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(presenceTimeout, TimeSpan.Zero);
        _runner = runner;
        _target = target;
        _presenceTimeout = presenceTimeout;
    }

    /// <summary>
    /// The Data API parameters for a window: strings, as the Data API takes them, in the one format both Redshift and
    /// DuckDB cast to TIMESTAMP. A badge occupies the zone of its latest read before a window's end when that read is at
    /// most <paramref name="presenceTimeout"/> old; the horizons are computed here because interval arithmetic differs
    /// between engines. A timeout of one window length gives the former definition (latest read within the window).
    /// </summary>
    public static IReadOnlyList<SqlParameter> Parameters(ReportWindow window, TimeSpan presenceTimeout, StreamExclusions? exclusions = null) =>
    [
        new("window_start", Format(window.Start)),
        new("window_end", Format(window.End)),
        new("previous_start", Format(window.Previous.Start)),
        new("presence_since", Format(window.End - presenceTimeout)),
        new("previous_presence_since", Format(window.Start - presenceTimeout)),
        new("excluded_sensors", (exclusions ?? StreamExclusions.None).ExcludedSensors),
        new("excluded_sensor_minutes", (exclusions ?? StreamExclusions.None).ExcludedSensorMinutes),
    ];

    /// <summary>Counts the window, leaving out the reads <paramref name="exclusions"/> names; the counts carry its suspects.</summary>
    public async Task<DensityQueryResult> RunAsync(ReportWindow window, DateTimeOffset deadline, CancellationToken cancellationToken, StreamExclusions? exclusions = null)
    {
        var request = new StatementRequest(_target, Sql, Parameters(window, _presenceTimeout, exclusions), StatementName: $"badgeflow-density-{window.Start:yyyyMMddTHHmm}Z");
        var result = await _runner.QueryAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        var counts = Read(result.Columns, result.Records) with { SuspectSensors = (exclusions ?? StreamExclusions.None).Suspects };
        return new DensityQueryResult(counts, result.StatementId, result.Duration, result.Pages);
    }

    /// <summary>Reads the query's rows by column name: one 'summary' row, one 'zone' row per zone read in either window.</summary>
    public static WindowCounts Read(IReadOnlyList<ColumnMetadata> columns, IReadOnlyList<IReadOnlyList<Field>> records)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(records);
        var column = new ResultColumns(columns, "density query");
        int Column(string name) => column[name];

        var (kind, zone, footfall, occupancy, previousFootfall, previousOccupancy) =
            (Column("row_kind"), Column("zone_id"), Column("footfall"), Column("occupancy"), Column("previous_footfall"), Column("previous_occupancy"));
        var (reads, badges, unmapped, latest) = (Column("reads"), Column("distinct_badges"), Column("unmapped_reads"), Column("latest_read_at"));

        var zones = new List<ZoneCounts>(records.Count);
        WindowCounts? summary = null;
        foreach (var row in records)
        {
            switch (Text(row, kind))
            {
                case "zone":
                    zones.Add(new ZoneCounts(
                        Text(row, zone) ?? throw new InvalidDataException("A 'zone' row has no zone_id."),
                        Long(row, footfall),
                        Long(row, occupancy),
                        Long(row, previousFootfall),
                        Long(row, previousOccupancy)));
                    break;
                case "summary" when summary is null:
                    summary = new WindowCounts([], Long(row, reads), Long(row, badges), Long(row, unmapped), Timestamp(row, latest));
                    break;
                case var other:
                    throw new InvalidDataException($"Unexpected row_kind '{other}' in the density query's result.");
            }
        }

        return summary is null
            ? throw new InvalidDataException("The density query returned no 'summary' row.")
            : summary with { Zones = zones };
    }

    /// <summary>'YYYY-MM-DD HH:MM:SS' UTC: Redshift casts it to TIMESTAMP without guessing a zone, and so does DuckDB.</summary>
    internal static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string? Text(IReadOnlyList<Field> row, int i) => row[i].IsNull ? null : row[i].StringValue;

    private static long Long(IReadOnlyList<Field> row, int i)
    {
        var field = row[i];
        if (field.LongValue is { } value)
        {
            return value;
        }

        // A NUMERIC count would arrive as text; accept it rather than fail on a type the engine chose.
        return field.StringValue is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new InvalidDataException($"Expected a whole number in column {i}, got {(field.IsNull ? "NULL" : "another type")}.");
    }

    /// <summary>The Data API returns TIMESTAMP as text, "YYYY-MM-DD HH:MM:SS" with a fraction only when there is one.</summary>
    internal static DateTimeOffset? Timestamp(IReadOnlyList<Field> row, int i)
    {
        if (row[i].IsNull)
        {
            return null;
        }

        var text = row[i].StringValue ?? throw new InvalidDataException("latest_read_at is not text.");
        return DateTimeOffset.TryParseExact(
                text,
                ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzz"],
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var parsed)
            ? parsed
            : throw new InvalidDataException($"latest_read_at '{text}' is not a timestamp.");
    }

    private static string LoadSql() => SqlScript.LoadEmbedded(typeof(DensityQuery).Assembly, "DensityQuery.sql");
}
