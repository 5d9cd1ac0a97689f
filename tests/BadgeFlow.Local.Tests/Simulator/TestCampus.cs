using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Simulator;

namespace BadgeFlow.Local.Tests.Simulator;

/// <summary>A small campus with one or more zones of every kind, sized like a real one (areas in m²).</summary>
internal static class TestCampus
{
    public static SimulatedCampus Create() => new(
    [
        Zone("REG-1", "Registration", "Hall A", "0", 500, 600, ZoneKind.Registration, 3),
        Zone("KEY-1", "Keynote Arena", "Hall A", "0", 2500, 4000, ZoneKind.Keynote, 6),
        Zone("SES-1", "Room 101", "Hall B", "1", 200, 250, ZoneKind.Session, 2),
        Zone("SES-2", "Room 102", "Hall B", "1", 200, 250, ZoneKind.Session, 2),
        Zone("SES-3", "Room 201", "Hall B", "2", 200, 250, ZoneKind.Session, 2),
        Zone("SES-4", "Room 202", "Hall B", "2", 200, 250, ZoneKind.Session, 2),
        Zone("EXP-1", "Expo Floor", "Hall A", "0", 3000, 3000, ZoneKind.Expo, 8),
        Zone("FOOD-1", "Food Court North", "Hall A", "0", 600, 800, ZoneKind.Food, 3),
        Zone("FOOD-2", "Food Court South", "Hall B", "0", 600, 800, ZoneKind.Food, 3),
        Zone("LNG-1", "Lounge", "Hall B", "1", 400, 300, ZoneKind.Lounge, 2),
        Zone("COR-A", "Corridor A", "Hall A", "0", 300, 300, ZoneKind.Corridor, 2),
        Zone("COR-B", "Corridor B", "Hall B", "1", 300, 300, ZoneKind.Corridor, 2),
    ]);

    private static SimulatedZone Zone(string id, string name, string venue, string floor, double area, int capacity, ZoneKind kind, int sensors) =>
        new(id, name, venue, floor, area, capacity, kind, Enumerable.Range(1, sensors).Select(s => $"{id}-S{s}").ToArray());
}
