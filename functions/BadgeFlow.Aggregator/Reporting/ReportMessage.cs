using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BadgeFlow.Aggregator.Completeness;
using BadgeFlow.Aggregator.Corrections;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Reporting;

/// <summary>One SNS Publish: subject, the <c>MessageStructure=json</c> message and the filterable attributes.</summary>
public sealed record ReportMessage(
    string Subject,
    string Message,
    IReadOnlyDictionary<string, MessageAttributeValue> Attributes,
    int ZonesIncluded,
    int ZonesOmitted,
    int PublishBytes);

/// <summary>
/// Renders a <see cref="DensityReport"/> as one SNS Publish: plain text for email (<c>default</c> a summary with the top
/// zones, <c>email</c> the same plus every zone), one line for SMS, the report JSON for SQS, Lambda and HTTPS. Keeps the
/// whole Publish (message, subject and attributes, in UTF-8 bytes) under SNS's 256 KB: on a campus too large for that,
/// the per-zone list is cut to the densest zones that fit, and the message says how many were left out.
/// </summary>
public sealed class ReportMessageComposer
{
    /// <summary>SNS's limit for Message plus message attributes (262,144 UTF-8 bytes).</summary>
    public const int SnsMaxBytes = 262_144;

    /// <summary>Subjects must be shorter than 100 characters.</summary>
    public const int MaxSubjectLength = 99;

    /// <summary>Unregistered zones (reads carrying a zone id the registry lacks) listed by id at most.</summary>
    public const int MaxUnregisteredListed = 50;

    /// <summary>Suspect sensors named in the JSON report; all of them are counted in its totals.</summary>
    public const int MaxSuspectsListed = 20;

    private const string Schema = "badgeflow.density-report/1";

    // Zones rendered to estimate the bytes each one costs.
    private const int EstimateSample = 64;
    private const int SmsLength = 160;

    // Relaxed escaping keeps names readable (no \u00e9) and the message small; the JSON is never embedded in HTML.
    private static readonly ReportJsonContext Json = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private readonly int _maxBytes;

    /// <param name="maxBytes">The budget for a Publish; SNS's limit less a margin for the request's own framing.</param>
    public ReportMessageComposer(int maxBytes = SnsMaxBytes - 1_024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 8_192);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, SnsMaxBytes);
        _maxBytes = maxBytes;
    }

    public ReportMessage Compose(DensityReport report) => Compose(report, null);

    /// <summary>The report, marked provisional in subject, text and JSON when <paramref name="completeness"/> says the
    /// data did not reach the window end.</summary>
    public ReportMessage Compose(DensityReport report, ReportCompleteness? completeness) => Compose(report, completeness, null);

    /// <summary>The report as revision <paramref name="revision"/> of its window: a correction (revision 2 on) says in
    /// subject, text and JSON what changed against the revision it supersedes (docs/density-report.md, "Corrections").</summary>
    public ReportMessage Compose(DensityReport report, ReportCompleteness? completeness, PlannedRevision? revision)
    {
        ArgumentNullException.ThrowIfNull(report);
        var subject = Subject(report, completeness, revision);
        var attributes = Attributes(report, revision);
        var fixedBytes = Encoding.UTF8.GetByteCount(subject) + attributes.Sum(a =>
            Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value.DataType) + Encoding.UTF8.GetByteCount(a.Value.StringValue));

        int SizeOf(string rendered) => fixedBytes + Encoding.UTF8.GetByteCount(rendered);

        // Every zone when it fits (the usual case); otherwise the most zones, densest first, that do. Rendering a huge
        // campus whole only to measure it is the expensive part, so the bytes per zone are estimated from the densest
        // zones first, and the whole campus is rendered only when the estimate says it may fit.
        var all = report.Zones.Count;
        var none = Render(report, completeness, revision, 0);
        var sizeOfNone = SizeOf(none);
        if (sizeOfNone > _maxBytes)
        {
            throw new InvalidOperationException($"Even without the per-zone list the report needs more than {_maxBytes} bytes.");
        }

        if (all == 0)
        {
            return new ReportMessage(subject, none, attributes, 0, 0, sizeOfNone);
        }

        var sampleCount = Math.Min(all, EstimateSample);
        var sample = Render(report, completeness, revision, sampleCount);
        var sizeOfSample = SizeOf(sample);
        if (sampleCount == all && sizeOfSample <= _maxBytes)
        {
            return new ReportMessage(subject, sample, attributes, all, 0, sizeOfSample);
        }

        var perZone = Math.Max(1.0, (double)(sizeOfSample - sizeOfNone) / sampleCount);
        var estimate = (int)((_maxBytes - sizeOfNone) / perZone);
        if (estimate >= all)
        {
            var whole = Render(report, completeness, revision, all);
            var sizeOfWhole = SizeOf(whole);
            if (sizeOfWhole <= _maxBytes)
            {
                return new ReportMessage(subject, whole, attributes, all, 0, sizeOfWhole);
            }
        }

        var (message, size, included) = LargestThatFits(report, completeness, revision, SizeOf, none, sizeOfNone, all, Math.Clamp(estimate, 0, all - 1));
        return new ReportMessage(subject, message, attributes, included, all - included, size);
    }

    /// <summary>
    /// The most zones (densest first) whose message fits, knowing that all of them do not. The size only grows with the
    /// zones included, so a binary search is exact; it starts from the estimate and widens its bracket only as far as the
    /// estimate was off, which keeps a 5,000-zone campus to a handful of renders.
    /// </summary>
    private (string Message, int Size, int Included) LargestThatFits(
        DensityReport report, ReportCompleteness? completeness, PlannedRevision? revision, Func<string, int> sizeOf, string none, int sizeOfNone, int all, int estimate)
    {
        // Invariant: `low` fits (with its rendering in best), `high + 1` does not.
        var (best, bestSize, low, high) = (none, sizeOfNone, 0, all - 1);
        var step = 16;
        var probe = estimate;
        while (true)
        {
            var rendered = Render(report, completeness, revision, probe);
            var probeSize = sizeOf(rendered);
            if (probeSize <= _maxBytes)
            {
                (best, bestSize, low) = (rendered, probeSize, probe);
                if (probe >= high)
                {
                    break;
                }

                probe = Math.Min(high, probe + step);
            }
            else
            {
                high = probe - 1;
                if (probe <= low + 1)
                {
                    break;
                }

                probe = Math.Max(low + 1, probe - step);
            }

            if (high - low <= 2 * step)
            {
                break;
            }

            step *= 2;
        }

        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            var rendered = Render(report, completeness, revision, middle);
            var middleSize = sizeOf(rendered);
            if (middleSize <= _maxBytes)
            {
                (best, bestSize, low) = (rendered, middleSize, middle);
            }
            else
            {
                high = middle - 1;
            }
        }

        return (best, bestSize, low);
    }

    /// <summary>The report JSON with the first <paramref name="zonesIncluded"/> ranked zones (for tests and tools).</summary>
    public static string ReportJson(DensityReport report, int zonesIncluded) =>
        JsonSerializer.Serialize(Document(report, zonesIncluded), Json.ReportDocument);

    private static string Render(DensityReport report, ReportCompleteness? completeness, PlannedRevision? revision, int zonesIncluded)
    {
        var change = revision?.Supersedes is { } superseded ? ReportChange.Between(superseded, report) : null;
        var document = Document(report, zonesIncluded) with
        {
            Completeness = CompletenessPart(completeness),
            Revision = revision?.Revision,
            FiguresDigest = revision?.FiguresDigest,
            Supersedes = revision?.Supersedes is { } s ? new SupersedesDocument(s.Revision, s.FiguresDigest, s.MessageId) : null,
            Correction = change is null ? null : CorrectionPart(change),
        };
        var json = JsonSerializer.Serialize(document, Json.ReportDocument);
        var structure = new SnsMessageStructure(
            Default: Text(report, completeness, revision, change, allZones: null),
            Email: Text(report, completeness, revision, change, allZones: zonesIncluded),
            Sms: Sms(report, revision),
            Sqs: json,
            Lambda: json,
            Https: json);
        return JsonSerializer.Serialize(structure, Json.SnsMessageStructure);
    }

    /// <summary>"BadgeFlow CRITICAL 2026-11-25 10:00-10:15 UTC, worst Foyer 5.50/m2 F 55%": one line, no control characters, under 100 characters (SNS's rules).</summary>
    public static string Subject(DensityReport report) => Subject(report, null);

    /// <summary>As <see cref="Subject(DensityReport)"/>, with "PROVISIONAL" after the severity when the data did not reach the window end.</summary>
    public static string Subject(DensityReport report, ReportCompleteness? completeness) => Subject(report, completeness, null);

    /// <summary>As <see cref="Subject(DensityReport, ReportCompleteness?)"/>; a correction reads
    /// "BadgeFlow CRITICAL CORRECTION r2 2026-11-25 10:00-10:15 UTC, reads 1857->2000, worst Foyer 5.50/m2 F 55%", the
    /// worst zone's figures left out when they do not fit.</summary>
    public static string Subject(DensityReport report, ReportCompleteness? completeness, PlannedRevision? revision)
    {
        ArgumentNullException.ThrowIfNull(report);
        var mark = (revision is { Supersedes: not null } ? string.Create(CultureInfo.InvariantCulture, $" CORRECTION r{revision.Revision}") : string.Empty)
            + (completeness is { Complete: false } ? " PROVISIONAL" : string.Empty);
        var head = $"BadgeFlow {SeverityText(report.Severity)}{mark} {report.Window.Start:yyyy-MM-dd HH:mm}-{report.Window.End:HH:mm} UTC";
        if (revision?.Supersedes is { } superseded)
        {
            head += string.Create(CultureInfo.InvariantCulture, $", reads {superseded.Reads}->{report.Totals.Reads}");
        }

        if (report.WorstZone is not { } worst)
        {
            return Truncate(head + ", no zones", MaxSubjectLength);
        }

        var figures = string.Create(CultureInfo.InvariantCulture, $" {worst.Density:0.00}/m2 {worst.Level} {worst.Utilisation:0%}");
        var room = MaxSubjectLength - head.Length - ", worst ".Length - figures.Length;
        if (room < 8)
        {
            // A correction's subject is longer: keep the name readable and leave the figures to the text.
            figures = string.Empty;
            room = MaxSubjectLength - head.Length - ", worst ".Length;
        }

        return Truncate(head + ", worst " + Truncate(OneLine(worst.Name.Length > 0 ? worst.Name : worst.ZoneId), room) + figures, MaxSubjectLength);
    }

    private static string Sms(DensityReport report, PlannedRevision? revision)
    {
        var correction = revision is { Supersedes: not null } ? string.Create(CultureInfo.InvariantCulture, $" CORRECTION r{revision.Revision}") : string.Empty;
        var line = $"BadgeFlow {SeverityText(report.Severity)}{correction} {report.Window.Start:HH:mm}-{report.Window.End:HH:mm}Z";
        if (report.WorstZone is { } worst)
        {
            line += string.Create(CultureInfo.InvariantCulture, $": {Truncate(OneLine(worst.Name), 40)} {worst.Density:0.00}/m2 {worst.Level} {worst.Utilisation:0%}");
        }

        line += string.Create(CultureInfo.InvariantCulture, $"; {report.Totals.CriticalZones} critical, {report.Totals.WarningZones} warning of {report.Totals.Zones} zones");
        line = Truncate(line, SmsLength);
        if (report.Staffing is { Zones.Count: > 0 } staffing)
        {
            // As many of the largest allocations as fit: "; staff Foyer 5, Hall A 3".
            var separator = "; staff ";
            foreach (var zone in staffing.Zones)
            {
                var item = string.Create(CultureInfo.InvariantCulture, $"{separator}{Truncate(OneLine(zone.Name.Length > 0 ? zone.Name : zone.ZoneId), 24)} {zone.Staff}");
                if (line.Length + item.Length > SmsLength)
                {
                    break;
                }

                line += item;
                separator = ", ";
            }
        }

        return line;
    }

    private static string Text(DensityReport report, ReportCompleteness? completeness, PlannedRevision? revision, ReportChange? change, int? allZones)
    {
        var text = new StringBuilder(512 + (80 * (allZones ?? 0)));
        var window = report.Window;
        text.Append(CultureInfo.InvariantCulture, $"BadgeFlow density report: {SeverityText(report.Severity)}{(completeness is { Complete: false } ? " (PROVISIONAL)" : string.Empty)}\n");
        if (revision?.Supersedes is { } superseded && change is not null)
        {
            AppendCorrection(text, report, revision, superseded, change);
        }

        text.Append(CultureInfo.InvariantCulture, $"Window: {window.Start:yyyy-MM-dd HH:mm} to {window.End:yyyy-MM-dd HH:mm} UTC ({window.Length.TotalMinutes:0} min)");
        text.Append(report.Trigger.ScheduledTime is { } scheduled
            ? string.Create(CultureInfo.InvariantCulture, $", scheduled run of {scheduled:yyyy-MM-dd HH:mm} UTC\n")
            : ", backfill\n");
        if (report.WorstZone is { } worst)
        {
            text.Append("Worst zone: ").Append(ZoneLine(worst)).Append('\n');
        }

        var totals = report.Totals;
        text.Append(CultureInfo.InvariantCulture, $"\nZones: {totals.Zones} ({totals.CriticalZones} critical, {totals.WarningZones} warning), {totals.ZonesWithReads} with reads.\n");
        text.Append(CultureInfo.InvariantCulture, $"Occupancy: {totals.Occupancy} of {totals.Capacity} rated capacity; highest utilisation {totals.MaxUtilisation:0.0%}.\n");
        text.Append(CultureInfo.InvariantCulture, $"Reads: {totals.Reads} from {totals.DistinctBadges} badges; {totals.UnmappedReads} from sensors missing from the campus registry.\n");
        text.Append(report.Freshness.LatestReadAt is { } latest
            ? string.Create(CultureInfo.InvariantCulture, $"Data: latest read loaded {latest:yyyy-MM-dd HH:mm:ss} UTC, {Lag(report.Freshness.LagBehindWindowEnd)} before the window closed.\n")
            : "Data: no read loaded before the window closed. Check the pipeline.\n");
        if (completeness is { Complete: false } provisional)
        {
            text.Append(provisional.Watermark is { } watermark
                ? string.Create(CultureInfo.InvariantCulture, $"PROVISIONAL: the warehouse holds reads received up to {watermark:yyyy-MM-dd HH:mm:ss} UTC, {Lag(provisional.DataLag)} short of the window end")
                : "PROVISIONAL: the warehouse holds no read received since the window started");
            text.Append(provisional.MissingReadsEstimate is { } missing
                ? string.Create(CultureInfo.InvariantCulture, $"; about {missing} reads may be missing. A correction follows if the figures change.\n")
                : ". A correction follows if the figures change.\n");
        }
        if (report.UnregisteredZones.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Zones in the data but not in the campus registry: {report.UnregisteredZones.Count}.\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nTop {report.Top.Count} zones by density (persons/m2, Fruin level, occupancy/capacity, change since the previous window):\n");
        foreach (var zone in report.Top)
        {
            text.Append("  ").Append(ZoneLine(zone)).Append('\n');
        }

        if (report.Staffing is { } staffing)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nStaffing: {staffing.OnDuty} on duty, send to {staffing.Zones.Count} zones:\n");
            foreach (var zone in staffing.Zones)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {zone.Staff} to {OneLine(zone.Name)} ({zone.ZoneId})\n");
            }
        }

        if (allZones is { } count)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nAll zones by density ({count} of {report.Zones.Count}):\n");
            for (var i = 0; i < count; i++)
            {
                text.Append("  ").Append(ZoneLine(report.Zones[i])).Append('\n');
            }

            if (count < report.Zones.Count)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{report.Zones.Count - count} less dense zones were left out to keep this message under the SNS size limit (256 KB); machine subscribers' JSON lists the same zones.\n");
            }
        }

        return text.ToString();
    }

    /// <summary>Zones whose severity changed, listed by a correction at most (text and JSON; the count is always given).</summary>
    public const int MaxChangedZonesListed = 100;

    private static void AppendCorrection(StringBuilder text, DensityReport report, PlannedRevision revision, ReportRevision superseded, ReportChange change)
    {
        string Named(string zoneId) => report.Zones.FirstOrDefault(z => z.ZoneId == zoneId) is { Name.Length: > 0 } zone
            ? $"{OneLine(zone.Name)} ({zoneId})"
            : zoneId;

        text.Append(CultureInfo.InvariantCulture,
            $"CORRECTION: revision {revision.Revision} of this window, superseding revision {superseded.Revision} (message {superseded.MessageId}): the figures in the warehouse changed.\n");
        var delta = change.ReadsAfter - change.ReadsBefore;
        text.Append(CultureInfo.InvariantCulture, $"Reads counted: {change.ReadsBefore} -> {change.ReadsAfter} ({delta:+0;-0;0}).\n");
        text.Append(change.SeverityChanged
            ? $"Severity: {change.SeverityBefore} -> {change.SeverityAfter}.\n"
            : $"Severity unchanged: {change.SeverityAfter}.\n");
        text.Append(change.WorstZoneChanged
            ? $"Worst zone: {Named(change.WorstZoneBefore)} -> {Named(change.WorstZoneAfter)}.\n"
            : $"Worst zone unchanged: {Named(change.WorstZoneAfter)}.\n");
        if (change.Zones.Count == 0)
        {
            text.Append("No zone's severity changed.\n\n");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"Zones whose severity changed ({change.Zones.Count}):\n");
        foreach (var zone in change.Zones.Take(MaxChangedZonesListed))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {(zone.Name.Length > 0 && zone.Name != zone.ZoneId ? $"{OneLine(zone.Name)} ({zone.ZoneId})" : zone.ZoneId)}: {zone.Before} -> {zone.After}\n");
        }

        if (change.Zones.Count > MaxChangedZonesListed)
        {
            text.Append(CultureInfo.InvariantCulture, $"  and {change.Zones.Count - MaxChangedZonesListed} more\n");
        }

        text.Append('\n');
    }

    private static CorrectionDocument CorrectionPart(ReportChange change) => new(
        change.ReadsBefore,
        change.ReadsAfter,
        change.SeverityBefore,
        change.SeverityAfter,
        change.WorstZoneBefore,
        change.WorstZoneAfter,
        change.Zones.Count,
        change.Zones.Take(MaxChangedZonesListed).Select(z => new ZoneChangeDocument(z.ZoneId, z.Before, z.After)).ToList());

    private static string ZoneLine(ZoneDensity zone) => string.Create(
        CultureInfo.InvariantCulture,
        $"{zone.Rank}. {OneLine(zone.Name)} ({zone.ZoneId}, {zone.Venue}): {zone.Density:0.000}/m2 {zone.Level}, {zone.Occupancy}/{zone.Capacity} ({zone.Utilisation:0.0%}), {zone.OccupancyChange:+0;-0;0} ({zone.DensityChange:+0.000;-0.000;0.000}/m2), {SeverityText(zone.Severity)}");

    private static ReportDocument Document(DensityReport report, int zonesIncluded)
    {
        var totals = report.Totals;
        var unregistered = report.UnregisteredZones.Take(MaxUnregisteredListed).Select(z => new UnregisteredZoneDocument(z.ZoneId, z.Footfall, z.Occupancy)).ToList();
        return new ReportDocument(
            Schema,
            new WindowDocument(Iso(report.Window.Start), Iso(report.Window.End), (int)report.Window.Length.TotalMinutes),
            report.Trigger.IsBackfill ? "backfill" : "schedule",
            report.Trigger.ScheduledTime is { } scheduled ? Iso(scheduled) : null,
            SeverityText(report.Severity),
            report.WorstZone is { } worst ? Zone(worst) : null,
            new TotalsDocument(totals.Zones, totals.ZonesWithReads, totals.WarningZones, totals.CriticalZones, totals.Reads, totals.DistinctBadges,
                totals.Occupancy, totals.Capacity, totals.UnmappedReads, totals.MaxUtilisation)
            {
                SuspectSensors = totals.SuspectSensors,
                ExcludedReads = totals.ExcludedReads,
            },
            new FreshnessDocument(
                report.Freshness.LatestReadAt is { } latest ? latest.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFZ", CultureInfo.InvariantCulture) : null,
                report.Freshness.LagBehindWindowEnd?.TotalSeconds),
            report.Top.Select(Zone).ToList(),
            report.Zones.Take(zonesIncluded).Select(Zone).ToList(),
            report.Zones.Count - zonesIncluded,
            unregistered,
            report.UnregisteredZones.Count - unregistered.Count)
        {
            Staffing = report.Staffing is { } staffing
                ? new StaffingDocument(staffing.OnDuty, staffing.Zones.Select(z => new ZoneStaffDocument(z.ZoneId, z.Staff)).ToList())
                : null,
            SuspectSensors = report.SuspectSensors.Take(MaxSuspectsListed).Select(x => new SuspectSensorDocument(
                x.SensorId, x.ZoneId, x.Reason == SuspectReason.Rate ? "rate" : "two-venues", x.ExcludedReads, x.PeakBadgesPerMinute,
                x.BadgesPerMinuteBound, x.ImpossibleBadges)).ToList(),
        };
    }

    private static CompletenessDocument? CompletenessPart(ReportCompleteness? completeness) => completeness is null
        ? null
        : new CompletenessDocument(
            !completeness.Complete,
            completeness.Watermark is { } watermark ? watermark.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFZ", CultureInfo.InvariantCulture) : null,
            completeness.DataLag?.TotalSeconds,
            completeness.MissingReadsEstimate);

    private static ZoneDocument Zone(ZoneDensity zone) => new(
        zone.Rank, zone.ZoneId, zone.Name, zone.Venue, zone.AreaSquareMetres, zone.Capacity, zone.Footfall, zone.Occupancy,
        zone.Density, zone.Utilisation, zone.Level.ToString(), SeverityText(zone.Severity), zone.PreviousFootfall, zone.PreviousOccupancy,
        zone.PreviousDensity, zone.PreviousLevel.ToString(), zone.OccupancyChange, zone.DensityChange);

    private static Dictionary<string, MessageAttributeValue> Attributes(DensityReport report, PlannedRevision? revision)
    {
        var attributes = Attributes(report);
        if (revision is not null)
        {
            // Lets a subscription filter corrections in or out ({"revision": [{"numeric": [">", 1]}]}).
            attributes["revision"] = new("Number", revision.Revision.ToString(CultureInfo.InvariantCulture));
        }

        return attributes;
    }

    private static Dictionary<string, MessageAttributeValue> Attributes(DensityReport report) => new(StringComparer.Ordinal)
    {
        ["severity"] = new("String", SeverityText(report.Severity)),
        ["window_start"] = new("String", Iso(report.Window.Start)),
        // Attribute values cannot be empty: a campus without zones names "none".
        ["worst_zone"] = new("String", report.WorstZone?.ZoneId ?? "none"),
        ["max_utilisation"] = new("Number", report.Totals.MaxUtilisation.ToString("0.####", CultureInfo.InvariantCulture)),
    };

    public static string SeverityText(Severity severity) => severity switch
    {
        Severity.Critical => "CRITICAL",
        Severity.Warning => "WARNING",
        _ => "INFO",
    };

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Lag(TimeSpan? lag) => lag switch
    {
        null => "unknown",
        { TotalSeconds: < 120 } l => string.Create(CultureInfo.InvariantCulture, $"{l.TotalSeconds:0.#} s"),
        { TotalHours: < 2 } l => string.Create(CultureInfo.InvariantCulture, $"{l.TotalMinutes:0} min"),
        var l => string.Create(CultureInfo.InvariantCulture, $"{l.Value.TotalHours:0.#} h"),
    };

    private static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    private static string Truncate(string text, int length) =>
        text.Length <= length ? text : length <= 3 ? text[..Math.Max(length, 0)] : text[..(length - 3)] + "...";
}
