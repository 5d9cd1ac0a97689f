using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Corrections;

/// <summary>
/// SHA-256 (lower-case hex) over the warehouse figures a report is built from: the density query's per-zone counts (this
/// window and the previous one) and campus-wide totals. Two runs over the same data give the same digest, whatever the
/// order the rows came in; any late read that changes a count changes it. Staffing (read from SSM at every run) and the
/// completeness check are not figures of the window and are left out.
/// </summary>
public static class FiguresDigest
{
    public static string Of(WindowCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var text = new StringBuilder(64 + (48 * counts.Zones.Count));
        text.Append(CultureInfo.InvariantCulture, $"reads {counts.Reads}\nbadges {counts.DistinctBadges}\nunmapped {counts.UnmappedReads}\n");
        text.Append("latest ").Append(counts.LatestReadAt is { } latest
            ? latest.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)
            : "none").Append('\n');
        foreach (var zone in counts.Zones.OrderBy(z => z.ZoneId, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"zone {zone.ZoneId} {zone.Footfall} {zone.Occupancy} {zone.PreviousFootfall} {zone.PreviousOccupancy}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
