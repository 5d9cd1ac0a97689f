using System.Text.Json;
using BadgeFlow.Aggregator.Reporting;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Domain.Density;

namespace BadgeFlow.Functions.Tests.Aggregator;

public sealed class ReportMessageComposerTests
{
    private static readonly ReportWindow Window =
        ReportWindow.StartingAt(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(15));

    private static readonly ReportTrigger Trigger = ReportTrigger.Scheduled(new DateTimeOffset(2026, 11, 25, 10, 22, 0, TimeSpan.Zero));

    /// <summary>A campus of <paramref name="zones"/> zones with long names and deterministic counts (no randomness).</summary>
    private static DensityReport LargeCampusReport(int zones)
    {
        var profiles = Enumerable.Range(0, zones)
            .Select(i => new ZoneProfile($"venue-{i / 100:000}-hall-{i:00000}", $"Exhibition Hall {i:00000}, North Wing — Level {i % 7}", $"venue-{i / 100:000}", 250 + (i % 13), 400))
            .ToList();
        var counts = new WindowCounts(
            profiles.Select((p, i) => new ZoneCounts(p.ZoneId, 40 + (i * 37 % 700), i * 37 % 600, 30 + (i * 11 % 500), i * 11 % 450)).ToList(),
            Reads: 5_000_000,
            DistinctBadges: 60_000,
            UnmappedReads: 321,
            LatestReadAt: new DateTimeOffset(2026, 11, 25, 10, 14, 59, TimeSpan.Zero));
        return new DensityReportBuilder(10, SeverityThresholds.Default).Build(Window, Trigger, profiles, counts);
    }

    private static PublishRequest ToPublish(ReportMessage message) =>
        new("arn:aws:sns:us-east-1:123456789012:badgeflow-density", message.Message, message.Subject, "json", message.Attributes);

    [Fact]
    public void Compose_FiveThousandZones_FitsUnder256KiBAndSaysWhatWasLeftOut()
    {
        var report = LargeCampusReport(5_000);

        var message = new ReportMessageComposer().Compose(report);

        var publish = ToPublish(message);
        var protocols = SnsMessageShape.AssertValid(publish);
        Assert.True(SnsMessageShape.PublishBytes(publish) <= 262_144);
        Assert.Equal(SnsMessageShape.PublishBytes(publish) + System.Text.Encoding.UTF8.GetByteCount(message.Subject), message.PublishBytes);
        Assert.True(message.ZonesOmitted > 0);
        Assert.Equal(5_000, message.ZonesIncluded + message.ZonesOmitted);
        Assert.Contains($"{message.ZonesOmitted} less dense zones were left out", protocols["email"], StringComparison.Ordinal);
        Assert.Contains($"All zones by density ({message.ZonesIncluded} of 5000)", protocols["email"], StringComparison.Ordinal);

        using var json = JsonDocument.Parse(protocols["sqs"]);
        var root = json.RootElement;
        Assert.Equal(message.ZonesOmitted, root.GetProperty("zonesOmitted").GetInt32());
        // The zones kept are the densest ones, in rank order; the top 10 are always there.
        Assert.Equal(Enumerable.Range(1, message.ZonesIncluded), root.GetProperty("zones").EnumerateArray().Select(z => z.GetProperty("rank").GetInt32()));
        Assert.Equal(Enumerable.Range(1, 10), root.GetProperty("top").EnumerateArray().Select(z => z.GetProperty("rank").GetInt32()));
        Assert.Equal(5_000, root.GetProperty("totals").GetProperty("zones").GetInt32());
    }

    [Fact]
    public void Compose_ThirtySuspectSensorsOnFiveThousandZones_NamesTwentyCountsAllAndStaysUnder256KiB()
    {
        var report = LargeCampusReport(5_000);
        report = report with
        {
            SuspectSensors = [.. Enumerable.Range(0, 30).Select(i => new SuspectSensor($"venue-000-hall-{i:00000}-s01", $"venue-000-hall-{i:00000}", i % 2 == 0 ? SuspectReason.Rate : SuspectReason.TwoVenues, 1000 + i, 9000, 4500, i))],
            Totals = report.Totals with { SuspectSensors = 30, ExcludedReads = 30 * 1000 + 435 },
        };

        var publish = ToPublish(new ReportMessageComposer().Compose(report));

        Assert.True(SnsMessageShape.PublishBytes(publish) <= 262_144);
        using var json = JsonDocument.Parse(SnsMessageShape.AssertValid(publish)["sqs"]);
        var suspects = json.RootElement.GetProperty("suspectSensors").EnumerateArray().ToArray();
        Assert.Equal(ReportMessageComposer.MaxSuspectsListed, suspects.Length);
        Assert.Equal("venue-000-hall-00000-s01", suspects[0].GetProperty("sensorId").GetString());
        Assert.Equal(["rate", "two-venues"], suspects.Take(2).Select(s => s.GetProperty("reason").GetString()));
        Assert.Equal(1001, suspects[1].GetProperty("excludedReads").GetInt64());
        Assert.Equal(4500, suspects[0].GetProperty("badgesPerMinuteBound").GetInt64());
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal((30, 30_435L), (totals.GetProperty("suspectSensors").GetInt32(), totals.GetProperty("excludedReads").GetInt64()));
    }

    [Fact]
    public void Compose_FiveThousandZones_KeepsAsManyZonesAsFit()
    {
        var report = LargeCampusReport(5_000);
        var composer = new ReportMessageComposer();

        var message = composer.Compose(report);

        // The guard fills the budget (SNS's limit less a 1,024-byte margin) to within a couple of zones' worth of bytes:
        // it cuts only what it must.
        Assert.True(message.PublishBytes <= ReportMessageComposer.SnsMaxBytes - 1_024);
        Assert.True(message.PublishBytes > ReportMessageComposer.SnsMaxBytes - 1_024 - (2 * 2_000), $"{message.PublishBytes} bytes used");
        Assert.True(ReportMessageComposer.ReportJson(report, message.ZonesIncluded + 1).Length > ReportMessageComposer.ReportJson(report, message.ZonesIncluded).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(120)] // a large venue; each zone costs about 1.5 KB (three JSON copies and the email line)
    public void Compose_SmallCampuses_AllZonesIncluded(int zones)
    {
        var message = new ReportMessageComposer().Compose(LargeCampusReport(zones));

        SnsMessageShape.AssertValid(ToPublish(message));
        Assert.Equal(0, message.ZonesOmitted);
        Assert.Equal(zones, message.ZonesIncluded);
    }

    [Fact]
    public void Compose_NoZones_AttributesStillNonEmpty()
    {
        var message = new ReportMessageComposer().Compose(LargeCampusReport(0));

        Assert.Equal("none", message.Attributes["worst_zone"].StringValue);
        Assert.Equal("0", message.Attributes["max_utilisation"].StringValue);
        Assert.Equal("BadgeFlow INFO 2026-11-25 10:00-10:15 UTC, no zones", message.Subject);
    }

    [Fact]
    public void Subject_VeryLongZoneName_TruncatedUnder100Characters()
    {
        ZoneProfile[] zones = [new("z", new string('N', 300) + "\nline two", "v", 1, 1)];
        var report = new DensityReportBuilder(10, SeverityThresholds.Default)
            .Build(Window, Trigger, zones, new WindowCounts([new ZoneCounts("z", 9, 9, 0, 0)], 9, 9, 0, null));

        var subject = ReportMessageComposer.Subject(report);

        Assert.InRange(subject.Length, 1, 99);
        Assert.StartsWith("BadgeFlow CRITICAL 2026-11-25 10:00-10:15 UTC, worst NNN", subject, StringComparison.Ordinal);
        Assert.EndsWith("... 9.00/m2 F 900%", subject, StringComparison.Ordinal);
        Assert.DoesNotContain(subject, char.IsControl);
    }

    [Fact]
    public void Compose_SameReportTwice_SameBytes()
    {
        var first = new ReportMessageComposer().Compose(LargeCampusReport(50));
        var second = new ReportMessageComposer().Compose(LargeCampusReport(50));

        Assert.Equal(first.Message, second.Message);
        Assert.Equal(first.Subject, second.Subject);
    }

    [Fact]
    public void Compose_MaxUtilisation_NumberAttribute()
    {
        var message = new ReportMessageComposer().Compose(LargeCampusReport(20));

        // occupancy i*37 % 600 over i < 20 peaks at i = 16: 592; capacity 400 → 592 / 400 = 1.48.
        Assert.Equal(new MessageAttributeValue("Number", "1.48"), message.Attributes["max_utilisation"]);
        Assert.Equal("CRITICAL", message.Attributes["severity"].StringValue);
    }
}
