using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aws.RedshiftData;

namespace BadgeFlow.Aggregator.Retention;

/// <summary>What one retention run deleted.</summary>
/// <param name="Cutoff">Reads seen before this were deleted.</param>
/// <param name="Deleted">Rows deleted (the Data API's ResultRows for the DELETE; 0 when it reports none).</param>
public sealed record RetentionOutcome(DateTimeOffset Cutoff, long Deleted, string StatementId);

/// <summary>
/// Deletes badge reads older than the retention (<c>READ_RETENTION_DAYS</c>) with <c>Retention/ExpiredReads.sql</c>.
/// The cutoff comes from the run's scheduled time, never the clock, so a retried run deletes exactly what the first
/// would have.
/// </summary>
public sealed class ReadRetention
{
    /// <summary>The statement text, as embedded from Retention/ExpiredReads.sql.</summary>
    public static readonly string Sql = SqlScript.LoadEmbedded(typeof(ReadRetention).Assembly, "ExpiredReads.sql");

    private readonly StatementRunner _runner;
    private readonly RedshiftTarget _target;
    private readonly TimeSpan _retention;

    public ReadRetention(StatementRunner runner, RedshiftTarget target, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        _runner = runner;
        _target = target;
        _retention = retention;
    }

    /// <summary>The cutoff for a run scheduled at <paramref name="scheduledTime"/>.</summary>
    public DateTimeOffset CutoffFor(DateTimeOffset scheduledTime) => scheduledTime - _retention;

    /// <summary>The statement's parameters: <c>cutoff</c>, as every Data API parameter, a string.</summary>
    public static IReadOnlyList<SqlParameter> Parameters(DateTimeOffset cutoff) => [new("cutoff", DensityQuery.Format(cutoff))];

    public async Task<RetentionOutcome> RunAsync(DateTimeOffset scheduledTime, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var cutoff = CutoffFor(scheduledTime);
        var request = new StatementRequest(_target, Sql, Parameters(cutoff), StatementName: $"badgeflow-retention-{scheduledTime:yyyyMMddTHHmm}Z");
        var description = await _runner.ExecuteNonQueryAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        return new RetentionOutcome(cutoff, Math.Max(0, description.ResultRows), description.Id);
    }
}
