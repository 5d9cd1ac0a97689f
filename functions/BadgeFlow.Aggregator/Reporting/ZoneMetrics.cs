using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;

namespace BadgeFlow.Aggregator.Reporting;

/// <summary>
/// Per-zone EMF metrics (ZoneOccupancy, ZoneDensity, ZoneStaff), dimensioned by FunctionName and ZoneId, for the
/// report's top zones only (TOP_ZONES, default 10, at most 100): every zone-dimension pair is a billed custom metric, so
/// the count per window is bounded by TOP_ZONES, not by the campus (docs/density-report.md, "Per-zone metrics").
/// </summary>
public static class ZoneMetrics
{
    /// <summary>Writes one EMF line per top zone to <paramref name="output"/>; returns how many zones were written.</summary>
    public static int Emit(DensityReport report, string metricsNamespace, TimeProvider time, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var staff = report.Staffing?.Zones.ToDictionary(z => z.ZoneId, z => z.Staff, StringComparer.Ordinal);
        foreach (var zone in report.Top)
        {
            // Literal names: OperationsDashboardTests finds them in the code. One collector per zone: a dimension set is per EMF line, and the zone is a dimension here.
            var metrics = new EmfMetrics(metricsNamespace, time, ("FunctionName", "Aggregator"), ("ZoneId", zone.ZoneId));
            metrics.Record("ZoneOccupancy", zone.Occupancy, MetricUnit.Count);
            metrics.Record("ZoneDensity", zone.Density, MetricUnit.None);
            if (staff is not null)
            {
                metrics.Record("ZoneStaff", staff.GetValueOrDefault(zone.ZoneId), MetricUnit.Count);
            }

            metrics.Flush(output);
        }

        return report.Top.Count;
    }
}
