using BadgeFlow.Domain.Density;

namespace BadgeFlow.Local.Simulator;

/// <summary>A zone as a report ranks it: its estimated occupancy and whether the report calls it CRITICAL.</summary>
public sealed record ReportedZone(string ZoneId, long Occupancy, bool Critical);

/// <summary>One window's report against the true crowd at the window's end.</summary>
public sealed record WindowAccuracy(
    int Index,
    double AbsoluteError,
    double TrueOccupancy,
    bool DensestFirst,
    bool DensestFirstStrict,
    bool DensestInTopThree,
    double TopFiveOverlap,
    int CriticalHits,
    int CriticalReported,
    int TrulyOverLimit);

/// <summary>
/// How well reports tell the truth, over many windows: occupancy wMAPE at window end (zones with at least
/// <see cref="ReportAccuracy.MinimumTrueOccupancy"/> people, weighted by true occupancy), the share of windows whose truly
/// densest zone the report ranks first, mean top-5 overlap, and precision and recall of the CRITICAL zones against the
/// zones truly over their limits.
/// </summary>
public sealed record AccuracySummary(IReadOnlyList<WindowAccuracy> Windows)
{
    public double WeightedMape => Windows.Sum(w => w.TrueOccupancy) is var total and > 0 ? Windows.Sum(w => w.AbsoluteError) / total : 0;

    public int DensestHits => Windows.Count(w => w.DensestFirst);

    public int StrictDensestHits => Windows.Count(w => w.DensestFirstStrict);

    public double StrictDensestHitRate => Windows.Count == 0 ? 0 : (double)StrictDensestHits / Windows.Count;

    public double DensestHitRate => Windows.Count == 0 ? 0 : (double)DensestHits / Windows.Count;

    public double MeanTopFiveOverlap => Windows.Count == 0 ? 0 : Windows.Average(w => w.TopFiveOverlap);

    /// <summary>Share of reported CRITICAL zones truly over a limit; 1 when none was reported (nothing false was said).</summary>
    public double CriticalPrecision => Windows.Sum(w => w.CriticalReported) is var reported and > 0 ? (double)Windows.Sum(w => w.CriticalHits) / reported : 1;

    /// <summary>Share of zones truly over a limit that the report calls CRITICAL; 1 when none was.</summary>
    public double CriticalRecall => Windows.Sum(w => w.TrulyOverLimit) is var truly and > 0 ? (double)Windows.Sum(w => w.CriticalHits) / truly : 1;

    public static AccuracySummary Combine(IEnumerable<AccuracySummary> runs) => new(runs.SelectMany(r => r.Windows).ToArray());
}

public static class ReportAccuracy
{
    /// <summary>Small zones are left out of wMAPE: an error of 3 in 5 people says nothing about crowd safety.</summary>
    public const int MinimumTrueOccupancy = 20;

    /// <summary>
    /// "Densest first" counts the report's first zone as right when its true density is within this share of the truly
    /// densest zone's, at the same Fruin level. Rooms held at their door limit are all "full", a few people apart in
    /// density (0.2 % in the measured misses); counts from badge reads are good to about 2 % (nominal wMAPE), so which of
    /// two such rooms is first is decided by the sensors' noise, and sending staff to either is the same decision. A
    /// zone at another level of service is never a tie. The strict figure is reported beside it.
    /// </summary>
    public const double DensestTolerance = 0.02;

    /// <summary>Compares one report (its zones in rank order) with the true crowd of its window.</summary>
    public static WindowAccuracy Compare(
        WindowCrowd truth,
        IReadOnlyList<ReportedZone> reported,
        SimulatedCampus campus,
        SeverityThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(reported);
        ArgumentNullException.ThrowIfNull(campus);
        ArgumentNullException.ThrowIfNull(thresholds);
        var estimate = reported.ToDictionary(z => z.ZoneId, z => z.Occupancy, StringComparer.Ordinal);
        double error = 0, weight = 0;
        var trulyOver = new HashSet<string>(StringComparer.Ordinal);
        foreach (var zone in truth.Zones)
        {
            if (zone.Occupancy >= MinimumTrueOccupancy)
            {
                error += Math.Abs(estimate.GetValueOrDefault(zone.ZoneId) - zone.Occupancy);
                weight += zone.Occupancy;
            }

            var profile = campus.Zones[campus.ZoneIndex[zone.ZoneId]];
            var severity = thresholds.Classify((double)zone.Occupancy / profile.Capacity, FruinLevels.FromDensity(zone.Density));
            if (severity is Severity.Critical)
            {
                trulyOver.Add(zone.ZoneId);
            }
        }

        var densest = truth.Zones.Count > 0 && truth.Zones[0].Occupancy > 0 ? truth.Zones[0].ZoneId : null;
        var strict = densest is not null && reported.Count > 0 && reported[0].ZoneId == densest;
        var tie = false;
        if (densest is not null && reported.Count > 0 && !strict && truth.Zones.FirstOrDefault(z => z.ZoneId == reported[0].ZoneId) is { } first)
        {
            var top = truth.Zones[0];
            tie = first.Density >= top.Density * (1 - DensestTolerance) && FruinLevels.FromDensity(first.Density) == FruinLevels.FromDensity(top.Density);
        }

        var trueTop = truth.Densest(5).ToHashSet(StringComparer.Ordinal);
        var critical = reported.Where(z => z.Critical).Select(z => z.ZoneId).ToArray();
        return new WindowAccuracy(
            truth.Index,
            error,
            weight,
            strict || tie,
            strict,
            densest is not null && reported.Take(3).Any(z => z.ZoneId == densest),
            reported.Take(5).Count(z => trueTop.Contains(z.ZoneId)) / 5.0,
            critical.Count(trulyOver.Contains),
            critical.Length,
            trulyOver.Count);
    }
}
