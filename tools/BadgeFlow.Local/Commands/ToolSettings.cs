using System.ComponentModel;
using BadgeFlow.Local.Dashboard;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Simulator;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>
/// What every command accepts. Each command's settings check their ranges in <see cref="Check"/>; Spectre calls
/// <see cref="Validate"/> before the command runs, so a wrong command line starts nothing.
/// </summary>
public abstract class ToolSettings : CommandSettings
{
    [CommandOption("--plain")]
    [Description("Plain lines instead of live tables and progress bars (the default when stdout is not a terminal).")]
    public bool Plain { get; init; }

    public sealed override ValidationResult Validate()
    {
        var errors = new OptionErrors();
        Check(errors);
        return errors.Result();
    }

    protected abstract void Check(OptionErrors errors);

    /// <summary>Where <c>--api-keys</c> is read from when the option is not given (keeps keys out of shell history).</summary>
    public const string ApiKeysVariable = "BADGEFLOW_API_KEYS";

    /// <summary>The key values by key group of <c>--api-keys</c>, else of <see cref="ApiKeysVariable"/>; null when neither
    /// is set or the text is malformed (then in <paramref name="errors"/>, naming the group only: the entry holds a key).</summary>
    protected static IReadOnlyDictionary<string, string>? ApiKeysFrom(string? option, OptionErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if ((option ?? Environment.GetEnvironmentVariable(ApiKeysVariable)) is not { } text)
        {
            return null;
        }

        try
        {
            return SensorKeyring.Parse(text);
        }
        catch (SensorApiRefusedException e)
        {
            errors.Add("--api-keys: " + e.Message);
            return null;
        }
    }
}

/// <summary>
/// The options of the commands that start the local stack (<c>demo</c>, <c>up</c>): ports, Producer instances, campus and
/// Firehose timing. The option names are exact: scripts, tests and docs/LOCAL-STACK.md use them. Seconds are virtual.
/// </summary>
public abstract class StackSettings : ToolSettings
{
    [CommandOption("--aws-port <PORT>")]
    [Description("Port of the AWS-compatible endpoint (Firehose, Redshift Data API, SNS, SSM); 0 picks a free one.")]
    [DefaultValue(4566)]
    public int AwsPort { get; init; }

    [CommandOption("--api-port <PORT>")]
    [Description("Port of the sensor API (POST /reads); 0 picks a free one.")]
    [DefaultValue(3000)]
    public int ApiPort { get; init; }

    [CommandOption("--dashboard-port <PORT>")]
    [Description("Port of the dashboard; 0 picks a free one.")]
    [DefaultValue(DashboardServer.DefaultPort)]
    public int DashboardPort { get; init; }

    [CommandOption("--producers <N>")]
    [Description("Producer function instances behind the sensor API (1 to 16).")]
    [DefaultValue(2)]
    public int Producers { get; init; }

    [CommandOption("--campus <FILE>")]
    [Description("Campus registry (zones, sensors, key groups); default functions/campus.json of the repository.")]
    public string? CampusFile { get; init; }

    [CommandOption("--copy-base-seconds <SECONDS>")]
    [Description("Firehose timing: every COPY takes at least this (virtual seconds).")]
    [DefaultValue(10.0)]
    public double CopyBaseSeconds { get; init; }

    [CommandOption("--copy-seconds-per-mb <SECONDS>")]
    [Description("Firehose timing: and this much more per MiB staged.")]
    [DefaultValue(1.0)]
    public double CopySecondsPerMiB { get; init; }

    [CommandOption("--cold-warehouse-seconds <SECONDS>")]
    [Description("Firehose timing: the first COPY after 10 idle minutes first waits this long (a cold Serverless workgroup).")]
    [DefaultValue(30.0)]
    public double ColdWarehouseSeconds { get; init; }

    [CommandOption("--copy-backlog-seconds <SECONDS>")]
    [Description("Firehose timing: added to every COPY, to make a backlog.")]
    [DefaultValue(0.0)]
    public double CopyBacklogSeconds { get; init; }

    public FirehoseTiming Firehose => new FirehoseTiming() with
    {
        CopyBase = TimeSpan.FromSeconds(CopyBaseSeconds),
        CopyPerMiB = TimeSpan.FromSeconds(CopySecondsPerMiB),
        ColdWarehouse = TimeSpan.FromSeconds(ColdWarehouseSeconds),
        CopyBacklog = TimeSpan.FromSeconds(CopyBacklogSeconds),
    };

    protected override void Check(OptionErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.WholeNumber("aws-port", AwsPort, 0, 65535);
        errors.WholeNumber("api-port", ApiPort, 0, 65535);
        errors.WholeNumber("dashboard-port", DashboardPort, 0, 65535);
        errors.WholeNumber("producers", Producers, 1, 16);
        errors.Number("copy-base-seconds", CopyBaseSeconds, 0, 24 * 3600);
        errors.Number("copy-seconds-per-mb", CopySecondsPerMiB, 0, 24 * 3600);
        errors.Number("cold-warehouse-seconds", ColdWarehouseSeconds, 0, 24 * 3600);
        errors.Number("copy-backlog-seconds", CopyBacklogSeconds, 0, 24 * 3600);
    }
}
