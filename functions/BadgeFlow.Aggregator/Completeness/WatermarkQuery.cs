using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Completeness;

/// <summary>Asks the warehouse how far its loaded data reaches: the latest Producer receive time (<c>received_at</c>)
/// loaded since the window started, or null when nothing received since then is loaded yet.</summary>
public sealed class WatermarkQuery
{
    /// <summary>The statement text, as embedded from Completeness/Watermark.sql.</summary>
    public static readonly string Sql = LoadSql();

    private readonly StatementRunner _runner;
    private readonly RedshiftTarget _target;

    public WatermarkQuery(StatementRunner runner, RedshiftTarget target)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(target);
        _runner = runner;
        _target = target;
    }

    public async Task<DateTimeOffset?> RunAsync(ReportWindow window, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var request = new StatementRequest(
            _target, Sql, [new SqlParameter("window_start", DensityQuery.Format(window.Start))], StatementName: $"badgeflow-watermark-{window.Start:yyyyMMddTHHmm}Z");
        var result = await _runner.QueryAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        return Read(result.Columns, result.Records);
    }

    public static DateTimeOffset? Read(IReadOnlyList<ColumnMetadata> columns, IReadOnlyList<IReadOnlyList<Field>> records)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(records);
        var column = new ResultColumns(columns, "watermark query")["watermark"];
        return records.Count == 0 ? null : DensityQuery.Timestamp(records[0], column);
    }

    private static string LoadSql() => SqlScript.LoadEmbedded(typeof(WatermarkQuery).Assembly, "Watermark.sql");
}
