using System.Globalization;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Suspects;

/// <summary>
/// Runs <c>Suspects/SuspectStreams.sql</c> over the reads the density query will scan and applies
/// <see cref="ImplausibleStreams"/> to its rows: which sensors are suspect, and which of their reads the density query
/// must leave out. A separate statement, so the density query only gains the exclusion predicate.
/// </summary>
public sealed class SuspectQuery
{
    /// <summary>The statement text, as embedded from Suspects/SuspectStreams.sql.</summary>
    public static readonly string Sql = SqlScript.LoadEmbedded(typeof(SuspectQuery).Assembly, "SuspectStreams.sql");

    private readonly StatementRunner _runner;
    private readonly RedshiftTarget _target;
    private readonly TimeSpan _presenceTimeout;

    public SuspectQuery(StatementRunner runner, RedshiftTarget target, TimeSpan presenceTimeout)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(target);
        _runner = runner;
        _target = target;
        _presenceTimeout = presenceTimeout;
    }

    /// <summary>The scan the density query makes: from the earlier of the previous window's start and its presence
    /// horizon, to the window's end.</summary>
    public static IReadOnlyList<SqlParameter> Parameters(ReportWindow window, TimeSpan presenceTimeout, long lowestBound)
    {
        var previousHorizon = window.Start - presenceTimeout;
        var scanStart = previousHorizon < window.Previous.Start ? previousHorizon : window.Previous.Start;
        return
        [
            new("scan_start", DensityQuery.Format(scanStart)),
            new("window_end", DensityQuery.Format(window.End)),
            new("min_bound", lowestBound.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public async Task<StreamExclusions> RunAsync(ReportWindow window, IReadOnlyCollection<ZoneProfile> zones, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zones);
        var request = new StatementRequest(_target, Sql, Parameters(window, _presenceTimeout, ImplausibleStreams.LowestBound(zones)),
            StatementName: $"badgeflow-suspects-{window.Start:yyyyMMddTHHmm}Z");
        var result = await _runner.QueryAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        var (minutes, conflicts) = Read(result.Columns, result.Records);
        return ImplausibleStreams.Assess(zones, minutes, conflicts);
    }

    /// <summary>Reads the statement's rows by column name.</summary>
    public static (IReadOnlyList<SensorMinute> Minutes, IReadOnlyList<SensorConflicts> Conflicts) Read(
        IReadOnlyList<ColumnMetadata> columns, IReadOnlyList<IReadOnlyList<Field>> records)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(records);
        var column = new ResultColumns(columns, "suspect query");
        int Column(string name) => column[name];
        var (kind, sensor, zone, minute, badges, reads, impossible) =
            (Column("row_kind"), Column("sensor_id"), Column("zone_id"), Column("minute"), Column("badges"), Column("reads"), Column("impossible_badges"));

        var minutes = new List<SensorMinute>();
        var conflicts = new List<SensorConflicts>();
        foreach (var row in records)
        {
            var sensorId = row[sensor].StringValue ?? throw new InvalidDataException("A suspect row has no sensor_id.");
            var zoneId = row[zone].StringValue ?? throw new InvalidDataException("A suspect row has no zone_id.");
            switch (row[kind].StringValue)
            {
                case "minute":
                    minutes.Add(new SensorMinute(sensorId, zoneId, Long(row[minute]), Long(row[badges]), Long(row[reads])));
                    break;
                case "venues":
                    conflicts.Add(new SensorConflicts(sensorId, zoneId, Long(row[impossible]), Long(row[badges]), Long(row[reads])));
                    break;
                case var other:
                    throw new InvalidDataException($"Unexpected row_kind '{other}' in the suspect query's result.");
            }
        }

        return (minutes, conflicts);
    }

    private static long Long(Field field) =>
        field.LongValue ?? (field.StringValue is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new InvalidDataException("Expected a whole number in the suspect query's result."));
}
