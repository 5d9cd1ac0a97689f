using BadgeFlow.Local.Dashboard;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BadgeFlow.Local.Tests.Dashboard;

[Trait("Category", "Integration")]
public sealed class DashboardPageTests
{
    private static readonly DashboardZone[] Campus =
    [
        // Listed before the ground floor: the page orders floors itself.
        new() { ZoneId = "hall-a-room-201", Name = "Room 201", Venue = "Hall A", Floor = "L2", Kind = "session", AreaSquareMetres = 200, Capacity = 180 },
        new() { ZoneId = "hall-a-keynote", Name = "Keynote", Venue = "Hall A", Floor = "L1", Kind = "keynote", AreaSquareMetres = 2000, Capacity = 1800 },
        new() { ZoneId = "hall-a-food", Name = "Food Court", Venue = "Hall A", Floor = "L1", Kind = "food", AreaSquareMetres = 600, Capacity = 500 },
        new() { ZoneId = "hall-b-expo", Name = "Expo", Venue = "Hall B", Floor = "L1", Kind = "expo", AreaSquareMetres = 3000, Capacity = 2500 },
    ];

    [Fact]
    public async Task Page_ReportsPublished_HeatMapShowsTheLatestWindow()
    {
        var feed = new DashboardFeed(Campus);
        feed.Publish(Report(10, 0, ("hall-a-keynote", 0.50, "A", 1000)));
        feed.Publish(Report(10, 15, ("hall-a-room-201", 6.10, "F", 1220), ("hall-a-keynote", 2.00, "D", 4000), ("hall-b-expo", 0.90, "B", 2700)));
        feed.Publish(Report(9, 45, ("hall-a-food", 5.0, "E", 3000))); // a backfill of an older window arrives last
        await using var server = await DashboardServer.StartAsync(feed, 0, CancellationToken.None);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();

        await page.GotoAsync(server.Url.ToString());

        await Expect(page.Locator("#window-label")).ToHaveTextAsync("Window 2026-11-25 10:15–10:30 UTC");
        await ExpectTile(page, "hall-a-room-201", "los-F", "6.10 p/m² · F");
        await ExpectTile(page, "hall-a-keynote", "los-D", "2.00 p/m² · D");
        await ExpectTile(page, "hall-b-expo", "los-B", "0.90 p/m² · B");
        await ExpectTile(page, "hall-a-food", "no-data", "no reads");
        await Expect(page.Locator("#top-zones tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#top-zones tbody tr").First).ToHaveAttributeAsync("data-zone-id", "hall-a-room-201");
        await Expect(page.Locator(".venue h2")).ToHaveTextAsync(["Hall A", "Hall B"]);
        await Expect(page.Locator(".venue[data-venue='Hall A'] h3")).ToHaveTextAsync(["Floor L1", "Floor L2"]);
    }

    [Fact]
    public async Task Page_NextWindowCloses_RefreshesWithoutReload()
    {
        var feed = new DashboardFeed(Campus);
        await using var server = await DashboardServer.StartAsync(feed, 0, CancellationToken.None);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(server.Url.ToString());
        await Expect(page.Locator("#window-label")).ToHaveTextAsync("waiting for the first report…");

        feed.Publish(Report(10, 30, ("hall-a-food", 1.20, "C", 720)));

        await Expect(page.Locator("#window-label")).ToHaveTextAsync("Window 2026-11-25 10:30–10:45 UTC", new() { Timeout = 10_000 });
        await ExpectTile(page, "hall-a-food", "los-C", "1.20 p/m² · C");
        await ExpectTile(page, "hall-a-keynote", "no-data", "no reads");
    }

    [Fact]
    public async Task Page_ReportWithStaffing_ShowsTheAllocationBesideTheHeatMap()
    {
        var feed = new DashboardFeed(Campus);
        feed.Publish(Report(10, 15, ("hall-a-room-201", 6.10, "F", 1220), ("hall-a-keynote", 2.00, "D", 4000)) with
        {
            Staffing = new DashboardStaffing
            {
                OnDuty = 9,
                Zones = [new() { ZoneId = "hall-a-room-201", Staff = 6 }, new() { ZoneId = "hall-a-keynote", Staff = 3 }],
            },
        });
        await using var server = await DashboardServer.StartAsync(feed, 0, CancellationToken.None);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();

        await page.GotoAsync(server.Url.ToString());

        await Expect(page.Locator("#staffing-summary")).ToHaveTextAsync("9 on duty, 9 sent to 2 zones");
        await Expect(page.Locator("#staffing-zones tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#staffing-zones tbody tr").First.Locator("td")).ToHaveTextAsync(["Room 201", "6"]);
        await Expect(page.Locator("#staffing-zones tbody tr").Nth(1).Locator("td")).ToHaveTextAsync(["Keynote", "3"]);
        await Expect(page.Locator(".tile[data-zone-id='hall-a-room-201'] .staff")).ToHaveTextAsync("send 6 staff");
        await Expect(page.Locator(".tile[data-zone-id='hall-a-food'] .staff")).ToHaveCountAsync(0);
    }

    private static async Task ExpectTile(IPage page, string zoneId, string cssClass, string figure)
    {
        var tile = page.Locator($".tile[data-zone-id='{zoneId}']");
        await Expect(tile).ToHaveClassAsync(new System.Text.RegularExpressions.Regex($"\\b{cssClass}\\b"));
        await Expect(tile.Locator(".figure")).ToHaveTextAsync(figure);
    }

    private static DashboardReport Report(int hour, int minute, params (string Zone, double Density, string Level, long Occupancy)[] zones)
    {
        var start = new DateTimeOffset(2026, 11, 25, hour, minute, 0, TimeSpan.Zero);
        return new DashboardReport
        {
            WindowStart = start,
            WindowEnd = start.AddMinutes(15),
            Severity = zones.Any(z => z.Level is "F") ? "CRITICAL" : "INFO",
            Zones = zones.Select((z, i) => new DashboardZoneReading
            {
                Rank = i + 1,
                ZoneId = z.Zone,
                Name = Campus.Single(c => c.ZoneId == z.Zone).Name,
                Occupancy = z.Occupancy,
                Density = z.Density,
                Utilisation = z.Occupancy / (double)Campus.Single(c => c.ZoneId == z.Zone).Capacity,
                Level = z.Level,
            }).ToArray(),
            Top = zones.Select(z => z.Zone).ToArray(),
        };
    }
}
