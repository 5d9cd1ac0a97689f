using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Corrections;

/// <summary>A zone whose severity differs between the superseded revision and the correction.</summary>
public sealed record ZoneSeverityChange(string ZoneId, string Name, string Before, string After);

/// <summary>What a correction changes against the revision it supersedes: reads counted, the report's severity, the
/// worst zone, and the zones whose severity changed (most severe now first, then by zone id).</summary>
public sealed record ReportChange(
    long ReadsBefore,
    long ReadsAfter,
    string SeverityBefore,
    string SeverityAfter,
    string WorstZoneBefore,
    string WorstZoneAfter,
    IReadOnlyList<ZoneSeverityChange> Zones)
{
    public bool WorstZoneChanged => !string.Equals(WorstZoneBefore, WorstZoneAfter, StringComparison.Ordinal);

    public bool SeverityChanged => !string.Equals(SeverityBefore, SeverityAfter, StringComparison.Ordinal);

    public static ReportChange Between(ReportRevision before, DensityReport after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var was = before.ZoneSeverities.ToDictionary(z => z.ZoneId, z => z.Severity, StringComparer.Ordinal);
        var changes = new List<(ZoneSeverityChange Change, Severity Now)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var zone in after.Zones)
        {
            seen.Add(zone.ZoneId);
            var now = ReportMessageComposer.SeverityText(zone.Severity);
            var then = was.GetValueOrDefault(zone.ZoneId, "INFO");
            if (!string.Equals(now, then, StringComparison.Ordinal))
            {
                changes.Add((new ZoneSeverityChange(zone.ZoneId, zone.Name, then, now), zone.Severity));
            }
        }

        // A zone severe before but missing from the report now (the registry changed) is reported as INFO.
        foreach (var (zoneId, then) in was)
        {
            if (!seen.Contains(zoneId) && then != "INFO")
            {
                changes.Add((new ZoneSeverityChange(zoneId, zoneId, then, "INFO"), Severity.Info));
            }
        }

        return new ReportChange(
            before.Reads,
            after.Totals.Reads,
            before.Severity,
            ReportMessageComposer.SeverityText(after.Severity),
            before.WorstZone,
            after.WorstZone?.ZoneId ?? "none",
            changes.OrderByDescending(c => c.Now).ThenBy(c => c.Change.ZoneId, StringComparer.Ordinal).Select(c => c.Change).ToList());
    }

    /// <summary>The WARNING and CRITICAL zones of a report, as a revision records them: in rank order, as many as fit
    /// in <paramref name="maxBytes"/> of JSON (the column holds 65,535 bytes; a campus with more severe zones than that
    /// records the highest-ranked ones, so a correction names only changes among those).</summary>
    public static IReadOnlyList<ZoneSeverity> SevereZones(DensityReport report, int maxBytes = 60_000)
    {
        ArgumentNullException.ThrowIfNull(report);
        var zones = new List<ZoneSeverity>();
        var bytes = 2;
        foreach (var zone in report.Zones.Where(z => z.Severity != Severity.Info))
        {
            // {"zone":"…","severity":"WARNING"}, plus a comma.
            var size = 30 + System.Text.Encoding.UTF8.GetByteCount(zone.ZoneId) + 8;
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            zones.Add(new ZoneSeverity(zone.ZoneId, ReportMessageComposer.SeverityText(zone.Severity)));
        }

        return zones;
    }
}
