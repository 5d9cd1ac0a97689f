namespace BadgeFlow.Domain.Density;

/// <summary>Turns the warehouse's counts and the registry's areas and capacities into a <see cref="DensityReport"/>.
/// Pure: the same window, trigger, zones and counts always give an equal report.</summary>
public sealed class DensityReportBuilder
{
    internal const int DensityDecimals = 3;
    private const int UtilisationDecimals = 4;

    private readonly int _topZones;
    private readonly SeverityThresholds _thresholds;

    public DensityReportBuilder(int topZones, SeverityThresholds thresholds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topZones);
        ArgumentNullException.ThrowIfNull(thresholds);
        _topZones = topZones;
        _thresholds = thresholds;
    }

    public DensityReport Build(ReportWindow window, ReportTrigger trigger, IReadOnlyCollection<ZoneProfile> zones, WindowCounts counts)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(counts);

        var countsByZone = new Dictionary<string, ZoneCounts>(StringComparer.Ordinal);
        foreach (var zoneCounts in counts.Zones)
        {
            if (!countsByZone.TryAdd(zoneCounts.ZoneId, zoneCounts))
            {
                throw new ArgumentException($"The counts name zone {zoneCounts.ZoneId} twice.", nameof(counts));
            }
        }

        var unranked = new List<(ZoneProfile Profile, ZoneCounts Counts, double Density, double Utilisation)>(zones.Count);
        var registered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var profile in zones)
        {
            if (!registered.Add(profile.ZoneId))
            {
                throw new ArgumentException($"The registry names zone {profile.ZoneId} twice.", nameof(zones));
            }

            // A registered zone nobody was read in still belongs in the report: "empty" is information too.
            var zoneCounts = countsByZone.GetValueOrDefault(profile.ZoneId) ?? new ZoneCounts(profile.ZoneId, 0, 0, 0, 0);
            unranked.Add((profile, zoneCounts, zoneCounts.Occupancy / profile.AreaSquareMetres, (double)zoneCounts.Occupancy / profile.Capacity));
        }

        // Rank on the exact figures; the zone id settles ties so the order never depends on input order.
        unranked.Sort(static (x, y) =>
        {
            var byDensity = y.Density.CompareTo(x.Density);
            if (byDensity != 0)
            {
                return byDensity;
            }

            var byUtilisation = y.Utilisation.CompareTo(x.Utilisation);
            return byUtilisation != 0 ? byUtilisation : string.CompareOrdinal(x.Profile.ZoneId, y.Profile.ZoneId);
        });

        var ranked = new List<ZoneDensity>(unranked.Count);
        foreach (var (profile, zoneCounts, density, utilisation) in unranked)
        {
            var level = FruinLevels.FromDensity(density);
            var previousDensity = zoneCounts.PreviousOccupancy / profile.AreaSquareMetres;
            ranked.Add(new ZoneDensity(
                Rank: ranked.Count + 1,
                profile.ZoneId,
                profile.Name,
                profile.Venue,
                profile.AreaSquareMetres,
                profile.Capacity,
                zoneCounts.Footfall,
                zoneCounts.Occupancy,
                Math.Round(density, DensityDecimals, MidpointRounding.AwayFromZero),
                Math.Round(utilisation, UtilisationDecimals, MidpointRounding.AwayFromZero),
                level,
                _thresholds.Classify(utilisation, level),
                zoneCounts.PreviousFootfall,
                zoneCounts.PreviousOccupancy,
                Math.Round(previousDensity, DensityDecimals, MidpointRounding.AwayFromZero),
                FruinLevels.FromDensity(previousDensity)));
        }

        var unregistered = counts.Zones
            .Where(c => !registered.Contains(c.ZoneId))
            .OrderBy(c => c.ZoneId, StringComparer.Ordinal)
            .Select(c => new UnregisteredZone(c.ZoneId, c.Footfall, c.Occupancy))
            .ToList();

        // The worst zone is the most severe one; among equals, the densest (lowest rank).
        ZoneDensity? worst = null;
        foreach (var zone in ranked)
        {
            if (worst is null || zone.Severity > worst.Severity)
            {
                worst = zone;
            }
        }

        var totals = new ReportTotals(
            Zones: ranked.Count,
            ZonesWithReads: ranked.Count(z => z.Footfall > 0),
            WarningZones: ranked.Count(z => z.Severity == Severity.Warning),
            CriticalZones: ranked.Count(z => z.Severity == Severity.Critical),
            counts.Reads,
            counts.DistinctBadges,
            Occupancy: ranked.Sum(z => z.Occupancy),
            Capacity: ranked.Sum(z => (long)z.Capacity),
            counts.UnmappedReads,
            MaxUtilisation: ranked.Count == 0 ? 0 : ranked.Max(z => z.Utilisation))
        {
            SuspectSensors = counts.SuspectSensors.Count,
            ExcludedReads = counts.SuspectSensors.Sum(s => s.ExcludedReads),
        };

        var latest = counts.LatestReadAt?.ToUniversalTime();
        return new DensityReport(
            window,
            trigger,
            worst?.Severity ?? Severity.Info,
            ranked,
            ranked.Take(_topZones).ToList(),
            worst,
            unregistered,
            totals,
            new DataFreshness(latest, latest is { } at ? window.End - at : null))
        {
            SuspectSensors = counts.SuspectSensors,
        };
    }
}
