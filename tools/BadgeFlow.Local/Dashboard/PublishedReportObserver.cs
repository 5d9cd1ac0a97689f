using BadgeFlow.Local.Sns;

namespace BadgeFlow.Local.Dashboard;

/// <summary>Hands each density report published on the report topic to <paramref name="onReport"/>; other messages are ignored.</summary>
public sealed class PublishedReportObserver(string topicArn, Action<DashboardReport> onReport) : IObserver<PublishedMessage>
{
    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void OnNext(PublishedMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.TopicArn == topicArn && PublishedReport.Read(value.MessageFor("sqs"), value.Subject) is { } report)
        {
            onReport(report with { PublishedAt = value.PublishedAt });
        }
    }
}
