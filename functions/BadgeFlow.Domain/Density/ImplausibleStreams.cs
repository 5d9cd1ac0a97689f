using System.Globalization;
using System.Text;

namespace BadgeFlow.Domain.Density;

/// <summary>Why a sensor's stream cannot be real (docs/density-report.md "Implausible streams").</summary>
public enum SuspectReason
{
    /// <summary>In some minute it read more distinct badges than its zone could physically hold and let in.</summary>
    Rate,

    /// <summary>It read badges that were read at another venue within the same minute.</summary>
    TwoVenues,
}

/// <summary>A sensor whose reads were left out of occupancy and footfall, and why.</summary>
/// <param name="ExcludedReads">Its reads left out of the counts (all of them, for <see cref="SuspectReason.TwoVenues"/>;
/// those of its implausible minutes, for <see cref="SuspectReason.Rate"/>).</param>
/// <param name="PeakBadgesPerMinute">The most distinct badges it read in one minute.</param>
/// <param name="BadgesPerMinuteBound">Its zone's bound (<see cref="ImplausibleStreams.BadgesPerMinuteBound"/>).</param>
/// <param name="ImpossibleBadges">Distinct badges it read that another venue read within a minute.</param>
public sealed record SuspectSensor(
    string SensorId,
    string ZoneId,
    SuspectReason Reason,
    long ExcludedReads,
    long PeakBadgesPerMinute,
    long BadgesPerMinuteBound,
    long ImpossibleBadges);

/// <summary>A sensor's busiest minute, as the warehouse counted it (only minutes above the campus's lowest bound).</summary>
/// <param name="Minute">Minutes since the Unix epoch (<c>FLOOR(EPOCH / 60)</c>), the key the density query excludes by.</param>
public sealed record SensorMinute(string SensorId, string ZoneId, long Minute, long Badges, long Reads);

/// <summary>A sensor that read badges another venue read within a minute.</summary>
public sealed record SensorConflicts(string SensorId, string ZoneId, long ImpossibleBadges, long Badges, long Reads);

/// <summary>What the density query must leave out: whole sensors and sensor-minutes, as the text lists it takes.</summary>
public sealed record StreamExclusions(IReadOnlyList<SuspectSensor> Suspects, string ExcludedSensors, string ExcludedSensorMinutes)
{
    /// <summary>Nothing excluded. The lists are never empty strings: the Data API refuses an empty parameter value.</summary>
    public static StreamExclusions None { get; } = new([], "|", "|");
}

/// <summary>
/// The plausibility rules for sensor streams. A sensor is <b>rate-suspect</b> when, in some minute, it read more distinct
/// badges than <see cref="BadgesPerMinuteBound"/>: its reads of those minutes are excluded. It is <b>venue-suspect</b>
/// when at least <see cref="MinimumImpossibleBadges"/> of the badges it read, and more than
/// <see cref="ImpossibleShare"/> (half) of them, were read at another venue within a minute (venues are separate buildings,
/// minutes apart on foot): all its reads are excluded, since a real sensor shares only a stolen or cloned badge or two
/// with a forger, while a forger replaying badges seen elsewhere conflicts on most of its own.
/// </summary>
public static class ImplausibleStreams
{
    /// <summary>Persons per m² at which a crowd is packed solid (crush); no zone holds more.</summary>
    public const double CrushDensity = 9.0;

    /// <summary>Distinct badges a sensor can see in a minute: everyone its zone could hold at crush density, plus as many
    /// again walking in during that minute.</summary>
    public static long BadgesPerMinuteBound(ZoneProfile zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return (long)Math.Ceiling(2 * CrushDensity * zone.AreaSquareMetres);
    }

    public const int MinimumImpossibleBadges = 3;

    public const double ImpossibleShare = 0.5;

    /// <summary>The smallest bound of any zone: the warehouse returns only minutes above it.</summary>
    public static long LowestBound(IEnumerable<ZoneProfile> zones) => zones.Select(BadgesPerMinuteBound).DefaultIfEmpty(0).Min();

    /// <summary>Applies the rules to what the warehouse found. Minutes of sensors in zones the campus does not have are
    /// judged by nothing and kept (their reads occupy no registered zone anyway).</summary>
    public static StreamExclusions Assess(IReadOnlyCollection<ZoneProfile> zones, IReadOnlyList<SensorMinute> busyMinutes, IReadOnlyList<SensorConflicts> conflicts)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(busyMinutes);
        ArgumentNullException.ThrowIfNull(conflicts);
        var bounds = zones.ToDictionary(z => z.ZoneId, BadgesPerMinuteBound, StringComparer.Ordinal);

        var venueSuspects = conflicts
            .Where(c => c.ImpossibleBadges >= MinimumImpossibleBadges && c.ImpossibleBadges > ImpossibleShare * c.Badges)
            .ToDictionary(c => c.SensorId, StringComparer.Ordinal);

        var suspects = new List<SuspectSensor>();
        foreach (var c in venueSuspects.Values)
        {
            var peak = busyMinutes.Where(m => m.SensorId == c.SensorId).Select(m => m.Badges).DefaultIfEmpty(0).Max();
            suspects.Add(new SuspectSensor(c.SensorId, c.ZoneId, SuspectReason.TwoVenues, c.Reads, peak, bounds.GetValueOrDefault(c.ZoneId), c.ImpossibleBadges));
        }

        var excludedMinutes = new StringBuilder("|");
        foreach (var sensor in busyMinutes
                     .Where(m => bounds.TryGetValue(m.ZoneId, out var bound) && m.Badges > bound && !venueSuspects.ContainsKey(m.SensorId))
                     .GroupBy(m => m.SensorId, StringComparer.Ordinal))
        {
            var first = sensor.First();
            suspects.Add(new SuspectSensor(
                sensor.Key, first.ZoneId, SuspectReason.Rate, sensor.Sum(m => m.Reads), sensor.Max(m => m.Badges), bounds[first.ZoneId],
                conflicts.FirstOrDefault(c => c.SensorId == sensor.Key)?.ImpossibleBadges ?? 0));
            foreach (var minute in sensor.OrderBy(m => m.Minute))
            {
                excludedMinutes.Append(sensor.Key).Append('@').Append(minute.Minute.ToString(CultureInfo.InvariantCulture)).Append('|');
            }
        }

        suspects.Sort((x, y) => string.CompareOrdinal(x.SensorId, y.SensorId));
        return new StreamExclusions(
            suspects,
            "|" + string.Concat(venueSuspects.Keys.Order(StringComparer.Ordinal).Select(s => s + "|")),
            excludedMinutes.ToString());
    }
}
