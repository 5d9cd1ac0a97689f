using BadgeFlow.Aws;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Density;
using BadgeFlow.Runtime;

namespace BadgeFlow.Aggregator;

/// <summary>The Aggregator's environment (docs/ARCHITECTURE.md), read once at start-up.</summary>
public sealed record AggregatorSettings(
    RedshiftTarget Target,
    string TopicArn,
    TimeSpan WindowLength,
    TimeSpan DeliveryLag,
    int TopZones,
    SeverityThresholds Thresholds,
    TimeSpan StatementTimeout,
    string? CampusFile,
    string MetricsNamespace,
    TimeSpan CompletenessWait,
    TimeSpan CompletenessPoll,
    TimeSpan PresenceTimeout)
{
    /// <summary>STAFF_ON_DUTY_PARAMETER: the SSM parameter holding the staff on duty, read at every run; unset, reports
    /// carry no staffing.</summary>
    public string? StaffOnDutyParameter { get; init; }

    /// <summary>RECHECK_WINDOWS: how many windows before the one a scheduled run reports it re-checks for late data and
    /// corrects (docs/density-report.md, "Corrections"); 0 turns corrections off.</summary>
    public int RecheckWindows { get; init; } = DefaultRecheckWindows;

    /// <summary>
    /// Two windows (30 minutes at the default length): a provisional report is corrected by the next run, since Firehose's
    /// buffers (60 s + 300 s) and a COPY deliver well within one window; the second covers a COPY backlog or a cold
    /// workgroup longer than that, and a window whose previous-window figures changed. Each costs one watermark and one
    /// density query per run.
    /// </summary>
    public const int DefaultRecheckWindows = 2;
    /// <summary>READ_RETENTION_DAYS: badge reads older than this are deleted by every scheduled run (default 30).</summary>
    public TimeSpan ReadRetention { get; init; } = TimeSpan.FromDays(DefaultReadRetentionDays);

    public const int DefaultReadRetentionDays = 30;

    /// <summary>
    /// How long a badge counts as present in the zone of its latest read without being read again. Sensors re-read a
    /// present badge about every 6 minutes (detected ~96% of the time), so a stayer goes unread for 24 minutes with
    /// chance e^(-24·0.96/6) ≈ 2%; see docs/density-report.md for the measured choice.
    /// </summary>
    public const int DefaultPresenceTimeoutMinutes = 24;

    /// <summary>What the Aggregator needs from its deployment: the variables <see cref="Read"/> reads, the actions its
    /// clients call (template tests check template.yaml against it). The statement runner's query path: execute, poll,
    /// fetch the result, cancel on timeout.</summary>
    public static FunctionContract Contract => FunctionContract.Of(
        Read,
        RedshiftDataClient.Actions.ExecuteStatement,
        RedshiftDataClient.Actions.DescribeStatement,
        RedshiftDataClient.Actions.GetStatementResult,
        RedshiftDataClient.Actions.CancelStatement,
        SnsClient.Actions.Publish,
        SsmParameterStore.Actions.GetParameter);

    /// <summary>Reads every variable, collecting all problems into one <see cref="SettingsException"/>.</summary>
    public static AggregatorSettings Read(EnvironmentSettings env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var target = RedshiftTargetSettings.ReadTarget(env);
        var topicArn = env.Required("TOPIC_ARN");
        var windowMinutes = env.Int32("WINDOW_MINUTES", defaultValue: 15, min: 1, max: 1440);
        if (1440 % windowMinutes != 0)
        {
            env.AddProblem($"WINDOW_MINUTES must divide 1440 (a day) so windows align to UTC midnight, but is {windowMinutes}.");
            windowMinutes = 15;
        }

        var lagMinutes = env.Int32("DELIVERY_LAG_MINUTES", defaultValue: 7, min: 0, max: 1440);
        var topZones = env.Int32("TOP_ZONES", defaultValue: 10, min: 1, max: 100);
        var warningUtilisation = env.Double("WARNING_UTILISATION", defaultValue: 0.85, min: 0.01, max: 100);
        var criticalUtilisation = env.Double("CRITICAL_UTILISATION", defaultValue: 1.0, min: 0.01, max: 100);
        var warningLevel = Level(env, "WARNING_LEVEL", LevelOfService.E);
        var criticalLevel = Level(env, "CRITICAL_LEVEL", LevelOfService.F);
        var timeoutSeconds = env.Int32("STATEMENT_TIMEOUT_SECONDS", defaultValue: 120, min: 1, max: 900);
        var campusFile = env.Optional("CAMPUS_FILE");
        var metricsNamespace = env.Optional("METRICS_NAMESPACE", "BadgeFlow");
        var presenceMinutes = env.Int32("PRESENCE_TIMEOUT_MINUTES", defaultValue: DefaultPresenceTimeoutMinutes, min: 1, max: 240);
        // How long a run may wait for the watermark to reach the window end before publishing provisionally. Fractions of
        // a second are allowed: the local stack runs time fast and scales both down by its speed.
        var completenessWaitSeconds = env.Double("COMPLETENESS_WAIT_SECONDS", defaultValue: 120, min: 0, max: 840);
        var completenessPollSeconds = env.Double("COMPLETENESS_POLL_SECONDS", defaultValue: 20, min: 0.001, max: 300);
        var staffOnDutyParameter = env.Optional("STAFF_ON_DUTY_PARAMETER");
        var recheckWindows = env.Int32("RECHECK_WINDOWS", defaultValue: DefaultRecheckWindows, min: 0, max: 16);
        var retentionDays = env.Int32("READ_RETENTION_DAYS", defaultValue: DefaultReadRetentionDays, min: 1, max: 3650);

        var thresholds = SeverityThresholds.Default;
        if (criticalUtilisation < warningUtilisation)
        {
            env.AddProblem($"CRITICAL_UTILISATION ({criticalUtilisation}) must not be below WARNING_UTILISATION ({warningUtilisation}).");
        }
        else if (criticalLevel < warningLevel)
        {
            env.AddProblem($"CRITICAL_LEVEL ({criticalLevel}) must not be below WARNING_LEVEL ({warningLevel}).");
        }
        else
        {
            thresholds = new SeverityThresholds(warningUtilisation, criticalUtilisation, warningLevel, criticalLevel);
        }

        env.ThrowIfInvalid();
        return new AggregatorSettings(
            target,
            topicArn,
            TimeSpan.FromMinutes(windowMinutes),
            TimeSpan.FromMinutes(lagMinutes),
            topZones,
            thresholds,
            TimeSpan.FromSeconds(timeoutSeconds),
            campusFile,
            metricsNamespace,
            TimeSpan.FromSeconds(completenessWaitSeconds),
            TimeSpan.FromSeconds(completenessPollSeconds),
            TimeSpan.FromMinutes(presenceMinutes))
        {
            StaffOnDutyParameter = staffOnDutyParameter,
            RecheckWindows = recheckWindows,
            ReadRetention = TimeSpan.FromDays(retentionDays),
        };
    }

    private static LevelOfService Level(EnvironmentSettings env, string name, LevelOfService defaultValue)
    {
        var text = env.Optional(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (FruinLevels.TryParse(text, out var level))
        {
            return level;
        }

        env.AddProblem($"{name} must be a Fruin level A to F, but is '{text}'.");
        return defaultValue;
    }
}
