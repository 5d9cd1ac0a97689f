using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Dashboard;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Simulator;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Commands;

public sealed record UpSettings
{
    public string WorkingDirectory { get; init; } = ".badgeflow";

    public int AwsPort { get; init; } = 4566;

    public int ApiPort { get; init; } = 3000;

    public int DashboardPort { get; init; } = DashboardServer.DefaultPort;

    public double Speed { get; init; } = 1;

    public int Producers { get; init; } = 2;

    /// <summary>API key values by key group (<c>--api-keys group=key,…</c>); groups not named get random keys.</summary>
    public IReadOnlyDictionary<string, string>? ApiKeys { get; init; }

    public string? CampusFile { get; init; }

    public FirehoseTiming Firehose { get; init; } = new();

    /// <summary><c>--no-build</c>: run the function assemblies already built in Release instead of building them.</summary>
    public bool NoBuild { get; init; }

    public static UpSettings From(CommandLineArguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var settings = new UpSettings
        {
            WorkingDirectory = a.String("work", ".badgeflow"),
            AwsPort = a.Int32("aws-port", 4566, 0, 65535),
            ApiPort = a.Int32("api-port", 3000, 0, 65535),
            DashboardPort = a.Int32("dashboard-port", DashboardServer.DefaultPort, 0, 65535),
            Speed = a.Double("speed", 1, 0, 10_000),
            Producers = a.Int32("producers", 2, 1, 16),
            ApiKeys = (a.String("api-keys") ?? Environment.GetEnvironmentVariable("BADGEFLOW_API_KEYS")) is { } keys ? SensorKeyring.Parse(keys) : null,
            CampusFile = a.String("campus"),
            Firehose = FirehoseTimingOptions.From(a),
            NoBuild = a.Flag("no-build"),
        };
        a.ThrowIfUnknown();
        return settings;
    }
}

/// <summary>
/// <c>up</c>: the services alone, for <c>sam local</c>, the AWS CLI, <c>simulate</c> or curl, until Ctrl+C. The schedule
/// runs on a clock starting now (at <c>--speed</c>), so reads stamped now are reported in the windows of now.
/// </summary>
public sealed class UpCommand(UpSettings settings, Terminal terminal)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var registry = CampusRegistry.Load(await File.ReadAllBytesAsync(RepositoryLayout.CampusFile(settings.CampusFile), cancellationToken).ConfigureAwait(false));
        using var loggers = CommandLineApp.Logging(LogLevel.Information);
        var options = new LocalStackOptions
        {
            WorkingDirectory = settings.WorkingDirectory,
            AwsPort = settings.AwsPort,
            SensorApiPort = settings.ApiPort,
            ApiKeys = settings.ApiKeys,
            CampusFile = RepositoryLayout.CampusFile(settings.CampusFile),
            ProducerInstances = settings.Producers,
            Speed = settings.Speed,
            VirtualStart = TimeProvider.System.GetUtcNow(),
            Firehose = settings.Firehose,
            BuildFunctions = !settings.NoBuild,
            LoggerFactory = loggers,
        };
        await using var stack = await terminal.StatusAsync("Starting the local stack", () => LocalStack.StartAsync(options, cancellationToken)).ConfigureAwait(false);
        var feed = new DashboardFeed(DashboardCampus.From(registry));
        await using var dashboard = await DashboardServer.StartAsync(feed, settings.DashboardPort, cancellationToken).ConfigureAwait(false);
        using var subscription = stack.PublishedMessages.Subscribe(new PublishedReportObserver(stack.TopicArn, feed.Publish));

        var endpoint = stack.EndpointUrl.ToString().TrimEnd('/');
        terminal.Line($"""
            BadgeFlow local stack is up (Ctrl+C stops it).
              sensor API      POST {stack.SensorApiUrl}reads   (header x-api-key: the key of the sensor's key group)
            {string.Join(Environment.NewLine, stack.ApiKeys.Select(k => $"  API key         {k.Group,-14} {k.Value}   (id {k.Id})"))}
              AWS endpoint    {endpoint}   (Firehose, Redshift Data API, SNS, SSM; region {options.Region})
              dashboard       {dashboard.Url}
              working dir     {Path.GetFullPath(stack.WorkingDirectory)}   (warehouse.duckdb, logs/, processing-failed/, reports.ndjson)
              stream / topic  {stack.DeliveryStreamName} / {stack.TopicArn}

            Try:
              export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION={options.Region} AWS_DEFAULT_REGION={options.Region} AWS_ENDPOINT_URL={endpoint}
              aws firehose describe-delivery-stream --delivery-stream-name {stack.DeliveryStreamName}
              aws redshift-data execute-statement --workgroup-name badgeflow-local --database dev --sql "select count(*) from badge_reads"
              dotnet run --project tools/BadgeFlow.Local -- simulate --api-url {stack.SensorApiUrl} --api-keys {string.Join(",", stack.ApiKeys.Select(k => k.Group + "=" + k.Value))} --attendees 2000 --minutes 60
              sam local invoke/start-api with env AWS_ENDPOINT_URL={endpoint.Replace("127.0.0.1", "host.docker.internal", StringComparison.Ordinal)}
            """);

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            terminal.Line("Stopping the local stack.");
        }

        return CommandLineApp.Ok;
    }
}
