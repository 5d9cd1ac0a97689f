using System.Text.Json;
using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;
using BadgeFlow.Testing;
using BadgeFlow.Testing.Time;

namespace BadgeFlow.Functions.Tests.Aggregator;

/// <summary>The staff on duty read from SSM at each run and the staffing block of the published report.</summary>
public sealed class AggregatorStaffingTests
{
    private const string Parameter = "/badgeflow/test/staff-on-duty";

    // hall 100 m², 80 seats; foyer 20 m², 200; cafe 50 m², 40 (as AggregatorHandlerTests).
    private static readonly ZoneProfile[] Campus =
    [
        new("hall", "Hall", "expo", 100, 80),
        new("foyer", "Foyer", "expo", 20, 200),
        new("cafe", "Café", "food", 50, 40),
    ];

    private readonly SteppingTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 22, 3, TimeSpan.Zero));
    private readonly FakeRedshiftData _redshift = new();
    private readonly FakeSns _sns = new();
    private readonly StringWriter _logs = new();
    private readonly StringWriter _metrics = new();

    public AggregatorStaffingTests()
    {
        IReadOnlyList<IReadOnlyList<Field>> density =
        [
            DensityRows.Summary(reads: 2_000, badges: 260, unmapped: 12, latestReadAt: "2026-11-25 10:14:58.25"),
            DensityRows.Zone("cafe", 10, 8, 0, 0),
            DensityRows.Zone("foyer", 130, 110, 120, 100),
            DensityRows.Zone("hall", 95, 90, 70, 60),
        ];

        // The warehouse already holds reads received after the window end: the report is complete at the first check.
        _redshift.Answer = request => request.Sql == WatermarkQuery.Sql
            ? ([new ColumnMetadata("watermark", "timestamp")], [[new Field(false, null, null, null, "2026-11-25 10:15:20")]])
            : (DensityRows.Columns, density);
    }

    private ILambdaHandler<AggregatorRequest, BadgeFlow.Aggregator.Reporting.AggregatorResponse> Handler(IParameterStore parameters) =>
        AggregatorStartup.CreateHandler(
            AggregatorSettings.Read(new EnvironmentSettings(new Dictionary<string, string>
            {
                ["REDSHIFT_DATABASE"] = "dev",
                ["REDSHIFT_WORKGROUP_NAME"] = "badgeflow",
                ["TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:badgeflow-density",
                ["STAFF_ON_DUTY_PARAMETER"] = Parameter,
            }.GetValueOrDefault)),
            Campus, _redshift, _sns, _time, _metrics, parameters);

    private Task Run(IParameterStore parameters) => Handler(parameters).HandleAsync(
        JsonSerializer.Deserialize(File.ReadAllText(RepositoryPaths.Repo("events", "aggregator", "schedule.json")), EventsJsonContext.Default.AggregatorRequest)!,
        TestContext.Create(_time, _logs, TimeSpan.FromMinutes(1)));

    [Fact]
    public async Task HandleAsync_SixOnDuty_ReportCarriesHandWorkedStaffing()
    {
        var store = new Transform.FakeParameterStore(new Dictionary<string, string> { [Parameter] = "6" });

        await Run(store);

        // Weights above 0.83/m²: foyer 110 - 16.6 = 93.4, hall 90 - 83 = 7, cafe 0. Both critical zones get 1; the 4 left
        // over 100.4: foyer 3 r 72.4, hall 0 r 28, so the last to the foyer: foyer 5, hall 1.
        Assert.Equal([Parameter], store.Requested);
        var protocols = SnsMessageShape.AssertValid(Assert.Single(_sns.Published));
        using var report = JsonDocument.Parse(protocols["sqs"]);
        var staffing = report.RootElement.GetProperty("staffing");
        Assert.Equal(6, staffing.GetProperty("onDuty").GetInt32());
        Assert.Equal(
            ["foyer=5", "hall=1"],
            staffing.GetProperty("zones").EnumerateArray().Select(z => $"{z.GetProperty("zoneId").GetString()}={z.GetProperty("staff").GetInt32()}"));
        Assert.Equal("BadgeFlow CRITICAL 10:00-10:15Z: Foyer 5.50/m2 F 55%; 2 critical, 0 warning of 3 zones; staff Foyer 5, Hall 1", protocols["sms"]);
        Assert.Contains("Staffing: 6 on duty, send to 2 zones:\n  5 to Foyer (foyer)\n  1 to Hall (hall)\n", protocols["email"], StringComparison.Ordinal);
        Assert.Contains("\"StaffOnDuty\":6", _metrics.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("six")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("4.5")]
    public async Task HandleAsync_MalformedOnDuty_PublishesWithoutStaffingAndLogsError(string value)
    {
        await Run(new Transform.FakeParameterStore(new Dictionary<string, string> { [Parameter] = value }));

        var protocols = SnsMessageShape.AssertValid(Assert.Single(_sns.Published));
        using var report = JsonDocument.Parse(protocols["sqs"]);
        Assert.False(report.RootElement.TryGetProperty("staffing", out _));
        Assert.DoesNotContain("staff", protocols["sms"], StringComparison.Ordinal);
        var logs = _logs.ToString();
        Assert.Contains("\"level\":\"Error\"", logs, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not a whole number", logs, StringComparison.Ordinal);
        Assert.Contains("\"ReportsPublished\":1", _metrics.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_ParameterMissing_PublishesWithoutStaffingAndLogsError()
    {
        await Run(new MissingParameterStore());

        using var report = JsonDocument.Parse(SnsMessageShape.AssertValid(Assert.Single(_sns.Published))["sqs"]);
        Assert.False(report.RootElement.TryGetProperty("staffing", out _));
        Assert.Contains("ParameterNotFound", _logs.ToString(), StringComparison.Ordinal);
    }

    private sealed class MissingParameterStore : IParameterStore
    {
        public Task<string> GetSecureStringAsync(string name, CancellationToken cancellationToken) =>
            throw new AwsServiceException("SSM", "ParameterNotFound", "Parameter not found.", 400, "r-1");
    }

    [Fact]
    public async Task HandleAsync_SixOnDuty_PerZoneEmfLinesForTheTopZones()
    {
        await Run(new Transform.FakeParameterStore(new Dictionary<string, string> { [Parameter] = "6" }));

        // TOP_ZONES defaults to 10, so all three zones: foyer 110 at 5.5/m² with 5 staff, hall 90 at 0.9 with 1, cafe 8 at 0.16 with 0.
        var lines = _metrics.ToString().Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.TryGetProperty("ZoneId", out _)).ToList();
        Assert.Equal(
            ["foyer 110 5.5 5", "hall 90 0.9 1", "cafe 8 0.16 0"],
            lines.Select(l => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{l.GetProperty("ZoneId").GetString()} {l.GetProperty("ZoneOccupancy").GetDouble()} {l.GetProperty("ZoneDensity").GetDouble()} {l.GetProperty("ZoneStaff").GetDouble()}")));
        var directive = lines[0].GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal(["FunctionName", "ZoneId"], directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
    }
}
