using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Dashboard;

/// <summary>
/// Serves the dashboard on loopback: the page (embedded, no CDN) and <c>GET /api/latest-report</c>, which the page polls.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const int DefaultPort = 3001;

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The page's address, e.g. http://127.0.0.1:3001/.</summary>
    public Uri Url { get; }

    /// <summary>Starts serving <paramref name="feed"/>; port 0 picks a free loopback port.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardFeed feed, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(feed);
        var app = builder.Build();

        app.MapGet("/", () => Asset(DashboardAssets.IndexHtml, "text/html; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Asset(DashboardAssets.Css, "text/css; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Asset(DashboardAssets.Script, "text/javascript; charset=utf-8"));
        app.MapGet("/api/latest-report", (DashboardFeed f) =>
            Results.Json(f.Snapshot(), DashboardJsonContext.Default.DashboardSnapshot, statusCode: StatusCodes.Status200OK));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new DashboardServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IResult Asset(string content, string contentType) =>
        Results.Text(content, contentType);
}
