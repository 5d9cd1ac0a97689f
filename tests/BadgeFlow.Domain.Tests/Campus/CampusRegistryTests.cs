using System.Text;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Testing;

namespace BadgeFlow.Domain.Tests.Campus;

public sealed class CampusRegistryTests
{
    private const string Small = """
        {
          "name": "Test campus",
          "venues": [{"id": "venetian", "name": "The Venetian Expo"}],
          "zones": [
            {"id": "venetian-l2-expo-a", "name": "Expo Hall A", "venue": "venetian", "floor": "L2", "kind": "expo", "areaSquareMetres": 6800, "capacity": 4500}
          ],
          "sensors": [{"id": "venetian-l2-expo-a-s01", "zone": "venetian-l2-expo-a"}]
        }
        """;

    [Fact]
    public void Load_ShippedCampusFile_IsAMultiVenueConference()
    {
        var registry = CampusRegistry.Load(File.ReadAllBytes(RepositoryPaths.Repo("functions", "campus.json")));

        Assert.True(registry.Venues.Count >= 6, $"{registry.Venues.Count} venues");
        Assert.True(registry.Zones.Count >= 60, $"{registry.Zones.Count} zones");
        Assert.True(registry.Sensors.Count >= 300, $"{registry.Sensors.Count} sensors");
        Assert.All(Enum.GetValues<ZoneKind>(), kind => Assert.Contains(registry.Zones, z => z.Kind == kind));
        Assert.All(registry.Zones, zone => Assert.Contains(registry.Sensors, s => s.Zone == zone));
        Assert.True(registry.TryGetSensor("venetian-l2-expo-a-s03", out var sensor));
        Assert.Equal("venetian-l2-expo-a", sensor.Zone.Id);
        Assert.Equal("venetian", sensor.Zone.Venue.Id);
    }

    [Fact]
    public void Embedded_CompiledIn_IsTheShippedCampusFile()
    {
        var shipped = CampusRegistry.Load(File.ReadAllBytes(RepositoryPaths.Repo("functions", "campus.json")));

        var embedded = CampusRegistry.Embedded();

        Assert.Equal(shipped.Name, embedded.Name);
        Assert.Equal(shipped.Zones.Select(z => (z.Id, z.AreaSquareMetres, z.Capacity)), embedded.Zones.Select(z => (z.Id, z.AreaSquareMetres, z.Capacity)));
        Assert.Equal(shipped.Sensors.Select(s => (s.Id, s.Zone.Id, s.KeyGroup)), embedded.Sensors.Select(s => (s.Id, s.Zone.Id, s.KeyGroup)));
    }

    [Fact]
    public async Task LoadAsync_NoFile_IsTheEmbeddedCampus()
    {
        var campus = await CampusRegistry.LoadAsync(null, CancellationToken.None);

        Assert.Equal(CampusRegistry.Embedded().Sensors.Select(s => s.Id), campus.Sensors.Select(s => s.Id));
    }

    [Fact]
    public async Task LoadAsync_CampusFile_ReplacesTheEmbeddedCampus()
    {
        var path = Path.Combine(Path.GetTempPath(), $"badgeflow-campus-{Environment.ProcessId}-{nameof(LoadAsync_CampusFile_ReplacesTheEmbeddedCampus)}.json");
        await File.WriteAllTextAsync(path, Small);
        try
        {
            var campus = await CampusRegistry.LoadAsync(path, CancellationToken.None);

            Assert.Equal("Test campus", campus.Name);
            Assert.Equal("venetian-l2-expo-a-s01", Assert.Single(campus.Sensors).Id);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task LoadAsync_InvalidCampusFile_ThrowsListingTheProblem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"badgeflow-campus-{Environment.ProcessId}-{nameof(LoadAsync_InvalidCampusFile_ThrowsListingTheProblem)}.json");
        await File.WriteAllTextAsync(path, Small.Replace("\"zone\": \"venetian-l2-expo-a\"", "\"zone\": \"nowhere\"", StringComparison.Ordinal));
        try
        {
            var error = await Assert.ThrowsAsync<CampusRegistryException>(() => CampusRegistry.LoadAsync(path, CancellationToken.None));

            Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TryGetSensor_Utf8AndCharIds_FindSameSensor()
    {
        var registry = CampusRegistry.Load(Encoding.UTF8.GetBytes(Small));

        Assert.True(registry.TryGetSensor("venetian-l2-expo-a-s01"u8, out var byBytes));
        Assert.True(registry.TryGetSensor("venetian-l2-expo-a-s01".AsSpan(), out var byChars));
        Assert.Same(byBytes, byChars);
        Assert.Equal(new Zone("venetian-l2-expo-a", "Expo Hall A", new Venue("venetian", "The Venetian Expo"), "L2", ZoneKind.Expo, 6800, 4500), byBytes.Zone);
        Assert.False(registry.TryGetSensor("unknown-sensor"u8, out _));
        Assert.False(registry.TryGetSensor("é"u8, out _));
    }

    [Fact]
    public void Load_EntriesWithErrors_ListsEveryWrongEntryByIndexAndId()
    {
        var json = """
            {
              "name": "Broken",
              "venues": [{"id": "venetian", "name": "The Venetian Expo"}, {"id": "venetian", "name": "Again"}],
              "zones": [
                {"id": "z1", "name": "Hall", "venue": "mandalay", "floor": "L1", "kind": "expo", "areaSquareMetres": 100, "capacity": 80},
                {"id": "z2", "name": "Room", "venue": "venetian", "floor": "L1", "kind": "ballroom", "areaSquareMetres": 0, "capacity": -1},
                {"id": "z 3", "name": "Room", "venue": "venetian", "floor": "L1", "kind": "session", "areaSquareMetres": 10, "capacity": 5}
              ],
              "sensors": [{"id": "s1", "zone": "z9"}, {"zone": "z2"}]
            }
            """;

        var error = Assert.Throws<CampusRegistryException>(() => CampusRegistry.Load(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(
            [
                "venues[1] (id 'venetian'): id is used by an earlier venue.",
                "zones[0] (id 'z1'): venue 'mandalay' is not one of the venues.",
                "zones[1] (id 'z2'): kind must be one of keynote, session, expo, food, registration, lounge, corridor.",
                "zones[1] (id 'z2'): areaSquareMetres must be a number greater than 0.",
                "zones[1] (id 'z2'): capacity must be an integer greater than 0.",
                "zones[2] (id 'z 3'): id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.",
                "sensors[0] (id 's1'): zone 'z9' is not one of the zones.",
                "sensors[1]: id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.",
                "sensors[1]: zone 'z2' is not one of the zones.",
            ],
            error.Errors);
        Assert.Contains("zones[1] (id 'z2')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MisspelledMember_NamesIt()
    {
        var json = Small.Replace("\"capacity\"", "\"capcity\"", StringComparison.Ordinal);

        var error = Assert.Throws<CampusRegistryException>(() => CampusRegistry.Load(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("capcity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotJson_Throws()
    {
        Assert.Throws<CampusRegistryException>(() => CampusRegistry.Load("{ nope"u8));
    }
}
