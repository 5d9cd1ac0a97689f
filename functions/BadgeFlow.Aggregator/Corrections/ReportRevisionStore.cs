using System.Globalization;
using System.Text.Json;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aws.RedshiftData;

namespace BadgeFlow.Aggregator.Corrections;

/// <summary>
/// The published revisions in the warehouse's <c>report_revisions</c> table (created by the Schema function's
/// Schema.sql), read and written through the Data API with string parameters only.
/// </summary>
public sealed class ReportRevisionStore
{
    /// <summary>The statement texts, as embedded from Corrections/*.sql (comments removed).</summary>
    public static readonly string LatestSql = SqlScript.LoadEmbedded(typeof(ReportRevisionStore).Assembly, "LatestRevisions.sql");

    public static readonly string RecordSql = SqlScript.LoadEmbedded(typeof(ReportRevisionStore).Assembly, "RecordRevision.sql");

    private readonly StatementRunner _runner;
    private readonly RedshiftTarget _target;

    public ReportRevisionStore(StatementRunner runner, RedshiftTarget target)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(target);
        _runner = runner;
        _target = target;
    }

    /// <summary>The latest revision of each window starting from <paramref name="firstWindow"/> to
    /// <paramref name="lastWindow"/> (inclusive) that has one.</summary>
    public async Task<IReadOnlyDictionary<DateTimeOffset, ReportRevision>> LatestAsync(
        DateTimeOffset firstWindow, DateTimeOffset lastWindow, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var request = new StatementRequest(
            _target,
            LatestSql,
            [new SqlParameter("first_window", DensityQuery.Format(firstWindow)), new SqlParameter("last_window", DensityQuery.Format(lastWindow))],
            StatementName: $"badgeflow-revisions-{lastWindow:yyyyMMddTHHmm}Z");
        var result = await _runner.QueryAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        return Read(result.Columns, result.Records);
    }

    /// <summary>Records a published revision. Called after SNS accepted the message: see docs/density-report.md for why
    /// that order never loses a report.</summary>
    public async Task RecordAsync(
        ReportRevision revision, DateTimeOffset? scheduledTime, DateTimeOffset publishedAt, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var request = new StatementRequest(_target, RecordSql, Parameters(revision, scheduledTime, publishedAt),
            StatementName: $"badgeflow-revision-{revision.WindowStart:yyyyMMddTHHmm}Z-{revision.Revision}");
        await _runner.QueryAsync(request, deadline, cancellationToken).ConfigureAwait(false);
    }

    public static IReadOnlyList<SqlParameter> Parameters(ReportRevision revision, DateTimeOffset? scheduledTime, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return
        [
            new("window_start", DensityQuery.Format(revision.WindowStart)),
            new("revision", revision.Revision.ToString(CultureInfo.InvariantCulture)),
            new("provisional", revision.Provisional ? "true" : "false"),
            new("figures_digest", revision.FiguresDigest),
            new("reads", revision.Reads.ToString(CultureInfo.InvariantCulture)),
            new("severity", revision.Severity),
            new("worst_zone", revision.WorstZone),
            new("zone_severities", JsonSerializer.Serialize(revision.ZoneSeverities, RevisionJsonContext.Default.IReadOnlyListZoneSeverity)),
            new("scheduled_time", scheduledTime is { } scheduled ? DensityQuery.Format(scheduled) : "none"),
            new("published_at", DensityQuery.Format(publishedAt)),
            new("message_id", revision.MessageId),
        ];
    }

    /// <summary>Reads the rows by column name, keeping the highest revision per window.</summary>
    public static IReadOnlyDictionary<DateTimeOffset, ReportRevision> Read(IReadOnlyList<ColumnMetadata> columns, IReadOnlyList<IReadOnlyList<Field>> records)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(records);
        var column = new ResultColumns(columns, "report_revisions query");
        int Column(string name) => column[name];

        var (start, revision, provisional, digest, reads) = (Column("window_start"), Column("revision"), Column("provisional"), Column("figures_digest"), Column("reads"));
        var (severity, worst, zones, messageId) = (Column("severity"), Column("worst_zone"), Column("zone_severities"), Column("message_id"));
        var latest = new Dictionary<DateTimeOffset, ReportRevision>();
        foreach (var row in records)
        {
            var windowStart = DensityQuery.Timestamp(row, start) ?? throw new InvalidDataException("A report_revisions row has no window_start.");
            var parsed = new ReportRevision(
                windowStart,
                checked((int)Long(row, revision)),
                Bool(row, provisional),
                Text(row, digest),
                Long(row, reads),
                Text(row, severity),
                Text(row, worst),
                JsonSerializer.Deserialize(Text(row, zones), RevisionJsonContext.Default.IReadOnlyListZoneSeverity)
                    ?? throw new InvalidDataException("A report_revisions row has no zone_severities."),
                Text(row, messageId));
            if (!latest.TryGetValue(windowStart, out var known) || parsed.Revision >= known.Revision)
            {
                latest[windowStart] = parsed;
            }
        }

        return latest;
    }

    private static string Text(IReadOnlyList<Field> row, int i) =>
        row[i].StringValue ?? throw new InvalidDataException($"Expected text in column {i} of report_revisions.");

    private static long Long(IReadOnlyList<Field> row, int i) =>
        row[i].LongValue
        ?? (row[i].StringValue is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new InvalidDataException($"Expected a whole number in column {i} of report_revisions."));

    private static bool Bool(IReadOnlyList<Field> row, int i) =>
        row[i].BooleanValue
        ?? (row[i].StringValue is { } text && bool.TryParse(text, out var parsed)
            ? parsed
            : throw new InvalidDataException($"Expected a boolean in column {i} of report_revisions."));
}
