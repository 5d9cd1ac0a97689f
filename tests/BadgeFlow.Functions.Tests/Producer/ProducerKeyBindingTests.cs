using System.Text.Json;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Producer;
using static BadgeFlow.Functions.Tests.Producer.ProducerTestKit;

namespace BadgeFlow.Functions.Tests.Producer;

/// <summary>An API key speaks only for the sensors of its key group (docs/producer-api.md "Keys").</summary>
public sealed class ProducerKeyBindingTests
{
    private readonly StringWriter _log = new();
    private readonly StringWriter _metrics = new();

    [Fact]
    public async Task HandleAsync_VenetianSensorSentWithMgmKey_RejectsThatReadWithItsReasonAndDeliversTheMgmRead()
    {
        // events/producer/other-venue-sensor.json: MGM's key id, reads for an MGM sensor, a Venetian sensor and a
        // sensor the campus does not have.
        var firehose = new FakeFirehose();
        var clock = Clock();

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Event("other-venue-sensor.json"), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        var body = BodyJson(response);
        Assert.Equal(3, body.GetProperty("received").GetInt32());
        Assert.Equal([0], Indexes(body, "acceptedReads"));
        Assert.Equal([1, 2], Indexes(body, "rejectedReads"));
        Assert.All(body.GetProperty("rejectedReads").EnumerateArray(), r =>
        {
            Assert.Equal("sensorId", r.GetProperty("field").GetString());
            Assert.Equal("is not a sensor of this API key's key group", r.GetProperty("reason").GetString());
        });

        var lines = Lines(Assert.Single(firehose.Calls));
        Assert.Equal(["mgm-l1-grand-ballroom-122-s01"], lines.Select(l => l.GetProperty("sensorId").GetString()));
        Assert.Equal(BadgeHash("BADGE-000501"), lines[0].GetProperty("badgeHash").GetString());
        Assert.Contains("\"ReadsOutsideKeyGroup\":2", _metrics.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("BADGE-", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_EveryReadForAnotherGroup_Answers400AndSendsNothing()
    {
        var firehose = new FakeFirehose();
        var clock = Clock();
        var body = NdJsonRead(1, sensor: "venetian-l2-expo-a-s01") + "\n" + NdJsonRead(2, sensor: "venetian-l2-expo-b-s01");

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Request("application/x-ndjson", body, apiKeyId: MgmKeyId), Context(clock, _log));

        Assert.Equal(400, response.StatusCode);
        var problem = BodyJson(response);
        Assert.Equal("urn:badgeflow:problem:no-valid-reads", problem.GetProperty("type").GetString());
        Assert.Equal([0, 1], Indexes(problem, "rejectedReads"));
        Assert.Empty(firehose.Calls);
    }

    [Fact]
    public async Task HandleAsync_InvalidAndOutOfGroupReads_ListsBothRejectionsInIndexOrder()
    {
        var firehose = new FakeFirehose();
        var clock = Clock();
        var body = string.Join("\n",
            NdJsonRead(0, sensor: "venetian-l2-expo-a-s01"),
            NdJsonRead(1, sensor: "mgm-l1-grand-ballroom-122-s01"),
            NdJsonRead(2, sensor: "venetian-l2-expo-a-s01", rssi: 40));

        var response = await Handler(firehose, clock, _metrics).HandleAsync(Request("application/x-ndjson", body), Context(clock, _log));

        Assert.Equal(207, response.StatusCode);
        var rejected = BodyJson(response).GetProperty("rejectedReads").EnumerateArray().ToArray();
        Assert.Equal([1, 2], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(["sensorId", "rssi"], rejected.Select(r => r.GetProperty("field").GetString()));
    }

    [Theory]
    [InlineData("unknownkey")]
    [InlineData(null)]
    public async Task HandleAsync_KeyInNoGroup_Answers403ProblemJsonAndSendsNothing(string? apiKeyId)
    {
        var firehose = new FakeFirehose();
        var clock = Clock();

        var response = await Handler(firehose, clock, _metrics).HandleAsync(
            Request("application/x-ndjson", NdJsonRead(1), apiKeyId: apiKeyId), Context(clock, _log));

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["Content-Type"]);
        var problem = BodyJson(response);
        Assert.Equal("urn:badgeflow:problem:key-not-bound", problem.GetProperty("type").GetString());
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Empty(firehose.Calls);
    }

    [Fact]
    public void FromEnvironment_MalformedAndRepeatedKeyGroups_NamesEveryProblem()
    {
        var environment = new Dictionary<string, string>
        {
            ["DELIVERY_STREAM_NAME"] = "s",
            ["PSEUDONYMIZATION_KEY_PARAMETER"] = "/k",
            ["SENSOR_KEY_GROUPS"] = "a1=venetian,novalue,a1=mgm,b 2=wynn",
        };

        var error = Assert.Throws<BadgeFlow.Runtime.SettingsException>(() => ProducerSettings.Read(new BadgeFlow.Runtime.EnvironmentSettings(n => environment.GetValueOrDefault(n))));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("'novalue'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'a1' appears more than once", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'b 2=wynn'", StringComparison.Ordinal));
    }

    [Fact]
    public void FromEnvironment_KeyGroupsUnset_IsAProblem()
    {
        var environment = new Dictionary<string, string> { ["DELIVERY_STREAM_NAME"] = "s", ["PSEUDONYMIZATION_KEY_PARAMETER"] = "/k" };

        var error = Assert.Throws<BadgeFlow.Runtime.SettingsException>(() => ProducerSettings.Read(new BadgeFlow.Runtime.EnvironmentSettings(n => environment.GetValueOrDefault(n))));

        Assert.Contains(error.Problems, p => p.Contains("SENSOR_KEY_GROUPS", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_GroupTheCampusDoesNotHave_NamesTheKeyAndTheGroup()
    {
        var error = Assert.Throws<CampusRegistryException>(() =>
            SensorKeyBinding.Create(Campus, new Dictionary<string, string> { ["k1"] = "venetian", ["k2"] = "bellagio" }));

        var problem = Assert.Single(error.Errors);
        Assert.Contains("k2", problem, StringComparison.Ordinal);
        Assert.Contains("'bellagio'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyGroups_RepositoryCampus_OnePerVenue()
    {
        // No sensor of campus.json names a keyGroup, so each sensor is in its venue's group.
        Assert.Equal(Campus.Venues.Select(v => v.Id).Order(StringComparer.Ordinal), Campus.KeyGroups);
        Assert.All(Campus.Sensors, s => Assert.Equal(s.Zone.Venue.Id, s.KeyGroup));
    }

    [Fact]
    public void Load_SensorWithItsOwnKeyGroup_KeepsIt()
    {
        var campus = CampusRegistry.Load("""
            {"name":"c","venues":[{"id":"v","name":"V"}],
             "zones":[{"id":"z","name":"Z","venue":"v","floor":"L1","kind":"expo","areaSquareMetres":10,"capacity":5}],
             "sensors":[{"id":"s1","zone":"z"},{"id":"s2","zone":"z","keyGroup":"fleet-2"}]}
            """u8);

        Assert.Equal(["fleet-2", "v"], campus.KeyGroups);
        var binding = SensorKeyBinding.Create(campus, new Dictionary<string, string> { ["k"] = "fleet-2" });
        Assert.True(binding.Admits("fleet-2", "s2"));
        Assert.False(binding.Admits("fleet-2", "s1"));
        Assert.False(binding.Admits("fleet-2", "s3"));
    }
}
