using BadgeFlow.Aggregator.Suspects;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Aggregator.Density;

/// <summary>
/// How a window is counted, for its first report and for every re-check alike: the implausible streams first, then the
/// density statement without their excess reads. One home, so a re-check can never differ from the report it checks
/// by method, only by data.
/// </summary>
public sealed class WindowCounter
{
    private readonly DensityQuery _density;
    private readonly SuspectQuery _suspects;
    private readonly IReadOnlyCollection<ZoneProfile> _zones;

    public WindowCounter(DensityQuery density, SuspectQuery suspects, IReadOnlyCollection<ZoneProfile> zones)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(suspects);
        ArgumentNullException.ThrowIfNull(zones);
        _density = density;
        _suspects = suspects;
        _zones = zones;
    }

    /// <summary>The window's counts; they carry the suspect sensors whose reads were left out.</summary>
    public async Task<DensityQueryResult> CountAsync(ReportWindow window, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var exclusions = await _suspects.RunAsync(window, _zones, deadline, cancellationToken).ConfigureAwait(false);
        return await _density.RunAsync(window, deadline, cancellationToken, exclusions).ConfigureAwait(false);
    }
}
