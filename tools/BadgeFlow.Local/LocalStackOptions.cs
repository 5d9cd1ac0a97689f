using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local;

/// <summary>How <see cref="LocalStack.StartAsync"/> starts the services. Defaults are what `up` and `demo` use.</summary>
public sealed record LocalStackOptions
{
    /// <summary>Warehouse, logs, processing-failed records, S3 objects; created if missing.</summary>
    public string WorkingDirectory { get; init; } = ".badgeflow";

    /// <summary>The AWS-compatible endpoint's port; 0 picks a free loopback port.</summary>
    public int AwsPort { get; init; } = 4566;

    /// <summary>The sensor API's port; 0 picks a free loopback port.</summary>
    public int SensorApiPort { get; init; } = 3000;

    /// <summary>Sensor API key values by key group; a group not named gets a random one (see <see cref="LocalStack.ApiKeys"/>).</summary>
    public IReadOnlyDictionary<string, string>? ApiKeys { get; init; }

    /// <summary>The campus registry whose key groups get API keys (and that the Producer checks them against); null is
    /// the repository's functions/campus.json, the one the functions embed.</summary>
    public string? CampusFile { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>Producer processes sharing the invocation queue (Lambda would scale out the same way).</summary>
    public int ProducerInstances { get; init; } = 2;

    /// <summary>Simulated seconds per real second.</summary>
    public double Speed { get; init; } = 60;

    /// <summary>Where virtual time starts; null places a <see cref="SimulatedDuration"/> event just behind real time.</summary>
    public DateTimeOffset? VirtualStart { get; init; }

    public TimeSpan SimulatedDuration { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Security staff on duty, seeded in the local SSM for the Aggregator's staffing recommendation.</summary>
    public int StaffOnDuty { get; init; } = 12;

    /// <summary>The Aggregator's READ_RETENTION_DAYS, as the template's ReadRetentionDays: scheduled runs delete older reads.</summary>
    public int ReadRetentionDays { get; init; } = 30;

    /// <summary>Run the Aggregator on its schedule of virtual time.</summary>
    public bool RunSchedule { get; init; } = true;

    /// <summary>Copy every function log line to the console logger as well as to logs/.</summary>
    public bool EchoFunctionLogs { get; init; }

    /// <summary>Build the four function projects with <c>dotnet build -c Release</c> before starting them.</summary>
    public bool BuildFunctions { get; init; } = true;

    /// <summary>Folder holding Functions.sln; null searches upwards from the current directory and the tool's folder.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Firehose's buffering, COPY time and intake bound, in virtual time (command line: --copy-base-seconds,
    /// --copy-seconds-per-mb, --cold-warehouse-seconds, --copy-backlog-seconds).</summary>
    public Firehose.FirehoseTiming Firehose { get; init; } = new();

    /// <summary>Virtual seconds per real second the functions should assume when they wait on their own (real) clock:
    /// the Aggregator's completeness wait is divided by it so it covers the same virtual time as on AWS. Null uses
    /// <see cref="Speed"/>; the demo, which moves a paused clock itself, passes its playing speed.</summary>
    public double? FunctionTimeScale { get; init; }

    /// <summary>Rows per GetStatementResult page.</summary>
    public int ResultPageSize { get; init; } = 1000;

    /// <summary>How long a function invocation may run (the Lambda timeout).</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Create the stream, topic, parameter and schema at startup (false: an empty endpoint, e.g. for tests).</summary>
    public bool Provision { get; init; } = true;

    /// <summary>Start the function processes (false: the endpoint and sensor API only).</summary>
    public bool StartFunctions { get; init; } = true;

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Where email/sms-style SNS deliveries are printed; null uses the console logger.</summary>
    public TextWriter? NotificationConsole { get; init; }

    /// <summary>The real clock; tests pass a fake.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
