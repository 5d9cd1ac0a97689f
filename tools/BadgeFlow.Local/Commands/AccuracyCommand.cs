using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using BadgeFlow.Aggregator;
using BadgeFlow.Aggregator.Density;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Density;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Domain.Reads;
using BadgeFlow.Local.Simulator;
using BadgeFlow.Local.Warehouse;
using BadgeFlow.Transform;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>The options of <c>accuracy</c>.</summary>
public sealed class AccuracySettings : ToolSettings
{
    [CommandOption("--attendees <N>")]
    [Description("Simulated attendees per conference (100 to 200,000).")]
    [DefaultValue(20_000)]
    public int Attendees { get; init; }

    [CommandOption("--seeds <N>")]
    [Description("Conferences played per scenario, one per seed (1 to 20).")]
    [DefaultValue(3)]
    public int Seeds { get; init; }

    [CommandOption("--seed <N>")]
    [Description("The first seed; the others follow it.")]
    [DefaultValue(2026)]
    public int FirstSeed { get; init; }

    [CommandOption("--presence-timeout <MINUTES>")]
    [Description("Presence timeout of the estimator compared with today's (1 to 240), as PRESENCE_TIMEOUT_MINUTES.")]
    [DefaultValue(AggregatorSettings.DefaultPresenceTimeoutMinutes)]
    public int PresenceTimeoutMinutes { get; init; }

    [CommandOption("--scenario <NAME>")]
    [Description("Play only this scenario (nominal, \"detection 0.7\", \"presence 12 min\", \"dead sensor\", \"short expo visits\", crush).")]
    public string? Scenario { get; init; }

    [CommandOption("--campus <FILE>")]
    [Description("Campus registry (zones, sensors, key groups); default functions/campus.json of the repository.")]
    public string? CampusFile { get; init; }

    [CommandOption("--details")]
    [Description("Also print each window whose densest zone the report misses, and the crush corridor.")]
    public bool Details { get; init; }

    public TimeSpan PresenceTimeout => TimeSpan.FromMinutes(PresenceTimeoutMinutes);

    protected override void Check(OptionErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.WholeNumber("attendees", Attendees, 100, 200_000);
        errors.WholeNumber("seeds", Seeds, 1, 20);
        // The seeds played are FirstSeed..FirstSeed+Seeds-1: leave room for them.
        errors.WholeNumber("seed", FirstSeed, int.MinValue, int.MaxValue - 20);
        errors.WholeNumber("presence-timeout", PresenceTimeoutMinutes, 1, 240);
    }
}

/// <summary>A way the conference or its sensors can go; each is played over several seeds.</summary>
public sealed record AccuracyScenario(string Name, Func<ConferenceOptions, ConferenceOptions> Configure)
{
    /// <summary>A crowded zone (the main keynote hall) that one dead sensor leaves partly blind.</summary>
    public const string DeadSensorZone = "venetian-l2-keynote-hall-d";

    /// <summary>The keynote lets out into this corridor (1,300 m², capacity 1,500) and its exit is blocked.</summary>
    public const string CrushCorridor = "venetian-l3-corridor-sessions";

    public static IReadOnlyList<AccuracyScenario> All(SimulatedCampus campus)
    {
        ArgumentNullException.ThrowIfNull(campus);
        var deadSensor = campus.Zones[campus.ZoneIndex[DeadSensorZone]].SensorIds.Order(StringComparer.Ordinal).First();
        return
        [
            new("nominal", o => o),
            new("detection 0.7", o => o with { DetectionRate = 0.7 }),
            new("presence 12 min", o => o with { PresenceReadInterval = TimeSpan.FromMinutes(12) }),
            new("dead sensor", o => o with { DeadSensorIds = [deadSensor] }),
            new("short expo visits", o => o with { ExpoVisit = (TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)) }),
            new("crush", o => o with { BlockedCorridorId = CrushCorridor }),
        ];
    }
}

/// <summary>
/// <c>accuracy</c>: plays scenarios in-process through the real code path (the Producer's parser and pseudonymizer and
/// packer, Transform's rows, the DuckDB warehouse, the Aggregator's density SQL and the report builder) and compares every
/// report with the simulator's ground truth, for today's estimator (latest read within the window) and the presence
/// timeout one.
/// </summary>
public sealed class AccuracyCommand(IAnsiConsole console) : AsyncCommand<AccuracySettings>
{
    private static readonly DateTimeOffset EventStart = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public override async Task<int> ExecuteAsync(CommandContext context, AccuracySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var terminal = Terminal.For(console, settings.Plain);
        var bytes = await File.ReadAllBytesAsync(RepositoryLayout.CampusFile(settings.CampusFile), cancellationToken).ConfigureAwait(false);
        var registry = CampusRegistry.Load(bytes);
        var campus = SimulatedCampus.From(registry);
        var profiles = AggregatorStartup.ToProfiles(registry);
        var scenarios = AccuracyScenario.All(campus).Where(s => settings.Scenario is null || s.Name == settings.Scenario).ToArray();
        if (scenarios.Length == 0)
        {
            throw new UsageException($"No scenario '{settings.Scenario}'. Scenarios: {string.Join(", ", AccuracyScenario.All(campus).Select(s => s.Name))}.");
        }

        var window = TimeSpan.FromMinutes(15);
        var estimators = new (string Name, TimeSpan Timeout)[]
        {
            ("today (latest in window)", window),
            (string.Create(CultureInfo.InvariantCulture, $"presence {settings.PresenceTimeout.TotalMinutes:0} min"), settings.PresenceTimeout),
        };
        terminal.Line(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Attendees:N0} attendees, seeds {settings.FirstSeed}..{settings.FirstSeed + settings.Seeds - 1}, 2-hour day, 15-minute windows"));
        terminal.Line(string.Create(CultureInfo.InvariantCulture, $"| scenario | estimator | wMAPE | densest first (±{ReportAccuracy.DensestTolerance * 100:0} %) | densest first (strict) | top-5 overlap | CRITICAL precision | CRITICAL recall |"));
        terminal.Line("|---|---|---|---|---|---|---|---|");
        var overall = estimators.Select(_ => new List<AccuracySummary>()).ToArray();
        foreach (var scenario in scenarios)
        {
            var runs = estimators.Select(_ => new List<AccuracySummary>()).ToArray();
            for (var s = 0; s < settings.Seeds; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var options = scenario.Configure(new ConferenceOptions { Attendees = settings.Attendees, Seed = settings.FirstSeed + s });
                var plan = ConferenceSimulator.Plan(campus, options);
                using var warehouse = Load(plan, registry);
                for (var e = 0; e < estimators.Length; e++)
                {
                    var reports = Reports(plan, warehouse, profiles, estimators[e].Timeout);
                    runs[e].Add(Judge(plan, reports));
                    if (settings.Details)
                    {
                        PrintDetails(terminal, scenario.Name, estimators[e].Name, options.Seed, plan, reports);
                    }
                }
            }

            for (var e = 0; e < estimators.Length; e++)
            {
                var summary = AccuracySummary.Combine(runs[e]);
                overall[e].Add(summary);
                terminal.Line(Row(scenario.Name, estimators[e].Name, summary));
            }
        }

        for (var e = 0; e < estimators.Length; e++)
        {
            terminal.Line(Row("all scenarios", estimators[e].Name, AccuracySummary.Combine(overall[e])));
        }

        return CommandLineApp.Ok;
    }

    private static void PrintDetails(Terminal terminal, string scenario, string estimator, int seed, ConferencePlan plan, IReadOnlyList<(WindowCrowd Truth, DensityReport Report)> reports)
    {
        foreach (var (truth, report) in reports)
        {
            var first = report.Zones.Count > 0 ? report.Zones[0] : null;
            var densest = truth.Zones[0];
            var crush = truth.Zones.FirstOrDefault(z => z.ZoneId == AccuracyScenario.CrushCorridor);
            var reportedCrush = report.Zones.FirstOrDefault(z => z.ZoneId == AccuracyScenario.CrushCorridor);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"  {scenario} / {estimator} / seed {seed} / window {truth.Index} ({truth.Activity}): truly densest {densest.ZoneId} {densest.Density:0.000}/m² ({densest.Occupancy})");
            if (first is not null && first.ZoneId != densest.ZoneId)
            {
                var firstTruth = truth.Zones.First(z => z.ZoneId == first.ZoneId);
                var estimate = report.Zones.First(z => z.ZoneId == densest.ZoneId);
                terminal.Line(line + string.Create(CultureInfo.InvariantCulture,
                    $", reported {estimate.Density:0.000} ({estimate.Occupancy}); report's first {first.ZoneId} {first.Density:0.000}/m² ({first.Occupancy}), truly {firstTruth.Density:0.000} ({firstTruth.Occupancy})"));
            }

            var thresholds = SeverityThresholds.Default;
            foreach (var zone in truth.Zones)
            {
                var profile = plan.Campus.Zones[plan.Campus.ZoneIndex[zone.ZoneId]];
                var trulyCritical = thresholds.Classify((double)zone.Occupancy / profile.Capacity, FruinLevels.FromDensity(zone.Density)) is Severity.Critical;
                var reported = report.Zones.FirstOrDefault(z => z.ZoneId == zone.ZoneId);
                if (trulyCritical != (reported?.Severity is Severity.Critical))
                {
                    terminal.Line(string.Create(CultureInfo.InvariantCulture,
                        $"  {scenario} / {estimator} / seed {seed} / window {truth.Index}: {(trulyCritical ? "missed CRITICAL" : "false CRITICAL")} {zone.ZoneId} ({profile.Kind}) truly {zone.Occupancy}/{profile.Capacity}, reported {reported?.Occupancy ?? 0}"));
                }
            }

            if (plan.Options.BlockedCorridorId is not null && crush is not null)
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture,
                    $"  {scenario} / {estimator} / seed {seed} / window {truth.Index}: crush corridor truly {crush.Occupancy} ({crush.Density:0.00}/m², peak {crush.PeakOccupancy}), reported {reportedCrush?.Occupancy} {reportedCrush?.Severity}"));
            }
        }
    }

    private static string Row(string scenario, string estimator, AccuracySummary s) => string.Create(CultureInfo.InvariantCulture,
        $"| {scenario} | {estimator} | {s.WeightedMape * 100:0.0}% | {s.DensestHits}/{s.Windows.Count} ({s.DensestHitRate * 100:0}%) | {s.StrictDensestHits}/{s.Windows.Count} ({s.StrictDensestHitRate * 100:0}%) | {s.MeanTopFiveOverlap:0.00} | {s.CriticalPrecision:0.00} | {s.CriticalRecall:0.00} |");

    /// <summary>
    /// The reads through the Producer's code (parse each minute's body as the API would, pseudonymize, pack into Firehose
    /// records) and Transform's (rows for COPY), loaded into a fresh in-memory warehouse created by the Schema DDL.
    /// </summary>
    public static Warehouse.Warehouse Load(ConferencePlan plan, CampusRegistry registry)
    {
        // A fixed key: the accuracy run needs stable hashes, not secret ones (nothing leaves the process).
        using var pseudonymizer = new BadgePseudonymizer(Enumerable.Range(0, BadgePseudonymizer.MinKeyBytes).Select(i => (byte)(i * 7 + 1)).ToArray());
        var transformer = new BadgeReadTransformer(registry, pseudonymizer);
        var packer = new RecordPacker();
        var parse = new ReadParseOptions { MaxReads = 1_000_000 };
        using var rows = new MemoryStream();
        var output = new System.Buffers.ArrayBufferWriter<byte>(1 << 20);
        var next = 0;
        for (var minute = TimeSpan.FromMinutes(1); next < plan.Reads.Count; minute += TimeSpan.FromMinutes(1))
        {
            var until = minute >= plan.Agenda.Duration ? plan.Reads.Count : plan.IndexAt(minute);
            var wire = new WireRead[until - next];
            for (var i = 0; i < wire.Length; i++)
            {
                wire[i] = plan.ToWire(plan.Reads[next + i], EventStart);
            }

            next = until;
            if (wire.Length == 0)
            {
                continue;
            }

            var receivedAt = EventStart + minute;
            var body = JsonSerializer.SerializeToUtf8Bytes(new WireReadBatch(wire), SimulatorJsonContext.Default.WireReadBatch);
            var batch = SensorReadParser.Parse(body, ReadBodyFormat.Json, receivedAt, parse);
            var reads = batch.Reads.Select((r, i) => new IndexedRead(i, r.Read.Pseudonymize(pseudonymizer, receivedAt))).ToArray();
            foreach (var record in packer.Pack(reads).Records)
            {
                output.ResetWrittenCount();
                using var writer = BadgeReadTransformer.CreateWriter(output);
                var outcome = transformer.Transform(record.Data.Span, receivedAt, output, writer);
                if (outcome.Status is RecordStatus.Failed)
                {
                    throw new InvalidOperationException($"Transform failed a record: {outcome.Failure}");
                }

                rows.Write(output.WrittenSpan);
            }
        }

        var warehouse = Local.Warehouse.Warehouse.Open(":memory:");
        warehouse.ExecuteBatch(SchemaStatements(), []);
        rows.Position = 0;
        warehouse.LoadJsonLines("badge_reads", rows);
        return warehouse;
    }

    /// <summary>Every window's report, built by the Aggregator's query and the report builder, beside the window's truth.</summary>
    public static IReadOnlyList<(WindowCrowd Truth, DensityReport Report)> Reports(
        ConferencePlan plan, Warehouse.Warehouse warehouse, IReadOnlyList<ZoneProfile> profiles, TimeSpan presenceTimeout)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(warehouse);
        var builder = new DensityReportBuilder(10, SeverityThresholds.Default);
        var reports = new List<(WindowCrowd, DensityReport)>();
        foreach (var crowd in plan.Crowds)
        {
            var window = ReportWindow.StartingAt(EventStart + crowd.Start, plan.Options.WindowLength);
            var result = warehouse.Execute(
                DensityQuery.Sql,
                DensityQuery.Parameters(window, presenceTimeout).Select(p => new WarehouseParameter(p.Name, p.Value)).ToArray());
            var counts = DensityQuery.Read(
                result.Columns.Select(c => new ColumnMetadata(c.Name, c.TypeName)).ToArray(),
                result.Records.Select(r => (IReadOnlyList<Field>)r.Select(ToField).ToArray()).ToArray());
            reports.Add((crowd, builder.Build(window, ReportTrigger.Backfill, profiles.ToArray(), counts)));
        }

        return reports;
    }

    /// <summary>Every window's report against the truth.</summary>
    public static AccuracySummary Judge(ConferencePlan plan, Warehouse.Warehouse warehouse, IReadOnlyList<ZoneProfile> profiles, TimeSpan presenceTimeout) =>
        Judge(plan, Reports(plan, warehouse, profiles, presenceTimeout));

    /// <summary>Reports already built (<see cref="Reports"/>) against the truth.</summary>
    public static AccuracySummary Judge(ConferencePlan plan, IReadOnlyList<(WindowCrowd Truth, DensityReport Report)> reports) =>
        new(reports
            .Select(r => ReportAccuracy.Compare(
                r.Truth,
                r.Report.Zones.Select(z => new ReportedZone(z.ZoneId, z.Occupancy, z.Severity is Severity.Critical)).ToArray(),
                plan.Campus,
                SeverityThresholds.Default))
            .ToArray());

    private static Field ToField(WarehouseField f) => new(f.IsNull == true, f.BooleanValue, f.LongValue, f.DoubleValue, f.StringValue);

    private static IReadOnlyList<string> SchemaStatements() =>
        File.ReadAllText(Path.Combine(RepositoryLayout.FindRoot(), "functions", "BadgeFlow.Schema", "Schema.sql"))
            .Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .ToList();
}
