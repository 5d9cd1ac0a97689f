using Microsoft.Playwright;

namespace BadgeFlow.Local.Tests.Dashboard;

/// <summary>
/// Debian's chromium driven by Playwright. The browser is the system one (never `playwright install`); a missing one
/// fails the test with what to install.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private const string DefaultPath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var path = Environment.GetEnvironmentVariable("BADGEFLOW_CHROMIUM") is { Length: > 0 } custom ? custom : DefaultPath;
        Assert.True(
            File.Exists(path),
            $"chromium not found at {path}: the dashboard test needs Debian's chromium (apt-get install -y chromium), or BADGEFLOW_CHROMIUM set to a Chromium binary.");

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = Arguments,
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
