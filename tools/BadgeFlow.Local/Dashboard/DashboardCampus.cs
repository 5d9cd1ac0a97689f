using BadgeFlow.Domain.Campus;

namespace BadgeFlow.Local.Dashboard;

/// <summary>The campus as the dashboard lays it out, from the registry.</summary>
public static class DashboardCampus
{
    public static IReadOnlyList<DashboardZone> From(CampusRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Zones.Select(z => new DashboardZone
        {
            ZoneId = z.Id,
            Name = z.Name,
            Venue = z.Venue.Name,
            Floor = z.Floor,
            Kind = z.Kind.ToString().ToLowerInvariant(),
            AreaSquareMetres = z.AreaSquareMetres,
            Capacity = z.Capacity,
        }).ToArray();
    }
}
