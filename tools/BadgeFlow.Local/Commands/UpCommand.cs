using System.ComponentModel;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Local.Dashboard;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Simulator;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>The options of <c>up</c>.</summary>
public sealed class UpSettings : StackSettings
{
    private const string DefaultWorkingDirectory = ".badgeflow";

    [CommandOption("--work <DIR>")]
    [Description("Working directory (warehouse.duckdb, logs/, processing-failed/, reports.ndjson); kept between runs.")]
    [DefaultValue(DefaultWorkingDirectory)]
    public string WorkingDirectory { get; init; } = DefaultWorkingDirectory;

    [CommandOption("--speed <X>")]
    [Description("Speed of the schedule's clock, simulated seconds per real second (0 to 10,000).")]
    [DefaultValue(1.0)]
    public double Speed { get; init; }

    [CommandOption("--api-keys <GROUP=KEY,...>")]
    [Description("API key values by key group (or BADGEFLOW_API_KEYS); groups not named get a random key, printed.")]
    public string? ApiKeysText { get; init; }

    [CommandOption("--no-build")]
    [Description("Run the function assemblies as last built in Release instead of building them.")]
    public bool NoBuild { get; init; }

    /// <summary>API key values by key group, from <c>--api-keys</c> or BADGEFLOW_API_KEYS; set by validation.</summary>
    public IReadOnlyDictionary<string, string>? ApiKeys { get; private set; }

    protected override void Check(OptionErrors errors)
    {
        base.Check(errors);
        errors.Number("speed", Speed, 0, 10_000);
        ApiKeys = ApiKeysFrom(ApiKeysText, errors);
    }
}

/// <summary>
/// <c>up</c>: the services alone, for <c>sam local</c>, the AWS CLI, <c>simulate</c> or curl, until Ctrl+C. The schedule
/// runs on a clock starting now (at <c>--speed</c>), so reads stamped now are reported in the windows of now.
/// </summary>
public sealed class UpCommand(IAnsiConsole console) : AsyncCommand<UpSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, UpSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var terminal = Terminal.For(console, settings.Plain);
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
