using System.Text.Json.Serialization;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Corrections;

/// <summary>A published revision of a window's report, as <c>report_revisions</c> keeps it.</summary>
/// <param name="Revision">1 for the window's first report, n + 1 for a correction of revision n.</param>
/// <param name="FiguresDigest"><see cref="Corrections.FiguresDigest"/> of the figures it was built from.</param>
/// <param name="Reads">The report's <c>totals.reads</c> (distinct reads in the window).</param>
/// <param name="WorstZone">The worst zone's id, "none" for a campus without zones.</param>
/// <param name="ZoneSeverities">The report's WARNING and CRITICAL zones (INFO zones are absent), by zone id.</param>
/// <param name="MessageId">SNS's id of the Publish.</param>
public sealed record ReportRevision(
    DateTimeOffset WindowStart,
    int Revision,
    bool Provisional,
    string FiguresDigest,
    long Reads,
    string Severity,
    string WorstZone,
    IReadOnlyList<ZoneSeverity> ZoneSeverities,
    string MessageId);

/// <summary>One zone's severity as a revision recorded it (JSON in <c>report_revisions.zone_severities</c>).</summary>
public sealed record ZoneSeverity(
    [property: JsonPropertyName("zone")] string ZoneId,
    [property: JsonPropertyName("severity")] string Severity);

/// <summary>The revision a run is about to publish for a window.</summary>
/// <param name="Supersedes">The window's latest recorded revision, null for a first report.</param>
public sealed record PlannedRevision(int Revision, string FiguresDigest, ReportRevision? Supersedes)
{
    public bool IsCorrection => Supersedes is not null;

    /// <summary>
    /// The rule: a window without a recorded revision gets revision 1; one whose latest revision has the same figures
    /// gets nothing (null: an unchanged rerun or re-check publishes nothing new); otherwise revision n + 1, superseding n.
    /// </summary>
    public static PlannedRevision? Next(ReportRevision? latest, WindowCounts counts)
    {
        var digest = Corrections.FiguresDigest.Of(counts);
        if (latest is null)
        {
            return new PlannedRevision(1, digest, null);
        }

        return string.Equals(latest.FiguresDigest, digest, StringComparison.Ordinal)
            ? null
            : new PlannedRevision(latest.Revision + 1, digest, latest);
    }
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(IReadOnlyList<ZoneSeverity>))]
public sealed partial class RevisionJsonContext : JsonSerializerContext;
