namespace BadgeFlow.Local.Dashboard;

/// <summary>
/// The reports the dashboard shows. Reports arrive as windows close (in order, but a backfill may publish an older one):
/// the page always shows the latest window.
/// </summary>
public sealed class DashboardFeed(IReadOnlyList<DashboardZone> campus)
{
    private readonly Lock _gate = new();
    private DashboardReport? _latest;
    private int _published;

    public IReadOnlyList<DashboardZone> Campus { get; } = campus;

    public void Publish(DashboardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            _published++;
            if (_latest is null || report.WindowStart >= _latest.WindowStart)
            {
                _latest = report;
            }
        }
    }

    public DashboardSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new DashboardSnapshot { Campus = Campus, Report = _latest, ReportsPublished = _published };
        }
    }
}
