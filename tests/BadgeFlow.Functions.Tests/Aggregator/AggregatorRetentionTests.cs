using BadgeFlow.Testing.Time;
using System.Text.Json;
using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aggregator.Retention;
using BadgeFlow.Aws;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>Every scheduled run deletes the reads older than READ_RETENTION_DAYS, after its report is out
/// (docs/density-report.md "Retention").</summary>
public sealed class AggregatorRetentionTests
{
    private static readonly DateTimeOffset InvokedAt = new(2026, 11, 25, 10, 22, 3, TimeSpan.Zero);
    private static readonly ZoneProfile[] Campus = [new("hall", "Hall", "expo", 100, 80)];

    private readonly SteppingTimeProvider _time = new(InvokedAt);
    private readonly FakeRedshiftData _redshift = new();
    private readonly FakeSns _sns = new();
    private readonly StringWriter _logs = new();
    private readonly StringWriter _metrics = new();
    private Exception? _deleteError;

    public AggregatorRetentionTests()
    {
        _redshift.Answer = request =>
        {
            if (request.Sql == ReadRetention.Sql)
            {
                // The fake reports as many affected rows as records it holds: the DELETE "removes" 37 rows.
                return _deleteError is null ? ([], [.. Enumerable.Repeat<IReadOnlyList<Field>>([], 37)]) : throw _deleteError;
            }

            return request.Sql == WatermarkQuery.Sql
                ? ([new("watermark", "timestamp")], [[new(false, null, null, null, "2026-11-25 10:15:20")]])
                : (DensityRows.Columns, [DensityRows.Summary(reads: 10, badges: 5, unmapped: 0, latestReadAt: "2026-11-25 10:14:58"), DensityRows.Zone("hall", 5, 5, 0, 0)]);
        };
    }

    private ILambdaHandler<AggregatorRequest, BadgeFlow.Aggregator.Reporting.AggregatorResponse> Handler(string? retentionDays = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["REDSHIFT_DATABASE"] = "dev",
            ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow",
            ["TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:badgeflow-density",
        };
        if (retentionDays is not null)
        {
            environment["READ_RETENTION_DAYS"] = retentionDays;
        }

        return AggregatorStartup.CreateHandler(AggregatorSettings.Read(new EnvironmentSettings(environment.GetValueOrDefault)), Campus, _redshift, _sns, _time, _metrics);
    }

    private LambdaContext Context() => TestContext.Create(_time, _logs, TimeSpan.FromMinutes(1));

    private static AggregatorRequest Event(string name) =>
        JsonSerializer.Deserialize(File.ReadAllText(RepositoryPaths.Repo("events", "aggregator", name)), EventsJsonContext.Default.AggregatorRequest)!;

    private JsonElement FunctionMetrics() => JsonDocument.Parse(_metrics.ToString().Trim().Split('\n')[^1]).RootElement;

    [Fact]
    public async Task HandleAsync_ScheduledRun_DeletesReadsOlderThan30DaysBeforeTheScheduledTimeAfterPublishing()
    {
        await Handler().HandleAsync(Event("schedule.json"), Context());

        // schedule.json: 2026-11-25T10:22:00Z; 30 days earlier is 2026-10-26 10:22:00 (the clock, 10:22:03, plays no part).
        var delete = Assert.Single(_redshift.Executed, s => s.Sql == ReadRetention.Sql);
        Assert.Equal([new SqlParameter("cutoff", "2026-10-26 10:22:00")], delete.Parameters);
        Assert.Same(delete, _redshift.Executed[^1]);
        Assert.Single(_sns.Published);
        Assert.StartsWith("DELETE FROM badge_reads", ReadRetention.Sql, StringComparison.Ordinal);
        var metrics = FunctionMetrics();
        Assert.Equal(37, metrics.GetProperty("ReadsExpired").GetDouble());
        Assert.Equal(0, metrics.GetProperty("RetentionFailed").GetDouble());
        Assert.Contains("deleted 37 reads seen before 2026-10-26T10:22:00Z", _logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_RetentionOf7Days_CutoffAWeekBeforeTheScheduledTime()
    {
        await Handler(retentionDays: "7").HandleAsync(Event("schedule.json"), Context());

        var delete = Assert.Single(_redshift.Executed, s => s.Sql == ReadRetention.Sql);
        Assert.Equal([new SqlParameter("cutoff", "2026-11-18 10:22:00")], delete.Parameters);
    }

    [Fact]
    public async Task HandleAsync_Backfill_DeletesNothing()
    {
        await Handler().HandleAsync(Event("backfill.json"), Context());

        Assert.DoesNotContain(_redshift.Executed, s => s.Sql == ReadRetention.Sql);
        Assert.False(FunctionMetrics().TryGetProperty("ReadsExpired", out _));
    }

    [Fact]
    public async Task HandleAsync_DeleteFails_ReportStillPublishedOnceAndTheFailureCounted()
    {
        _deleteError = new AwsServiceException("redshift-data", "ThrottlingException", "Rate exceeded", 400, "req-1");

        var response = await Handler().HandleAsync(Event("schedule.json"), Context());

        Assert.NotNull(response.MessageId);
        Assert.Single(_sns.Published);
        Assert.Equal(1, FunctionMetrics().GetProperty("RetentionFailed").GetDouble());
        Assert.Contains("Retention for the run scheduled at 2026-11-25T10:22:00Z failed", _logs.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("thirty")]
    public void Read_RetentionNotAPositiveWholeNumberOfDays_IsASettingsProblem(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Handler(retentionDays: value));

        Assert.Contains(error.Problems, p => p.Contains("READ_RETENTION_DAYS", StringComparison.Ordinal));
    }
}
