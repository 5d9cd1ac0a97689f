using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Lambda;
using BadgeFlow.Local.RedshiftData;
using BadgeFlow.Local.Schedule;
using BadgeFlow.Local.SensorApi;
using BadgeFlow.Local.Sns;
using BadgeFlow.Local.Ssm;
using BadgeFlow.Local.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BadgeFlow.Local;

/// <summary>The whole pipeline on one machine: the AWS-compatible endpoint, the functions as processes behind Runtime
/// API servers, the sensor API and the Aggregator's schedule on a virtual clock. See docs/LOCAL-STACK.md.</summary>
public sealed partial class LocalStack : IAsyncDisposable
{
    public const string KeyParameterName = "/badgeflow/local/pseudonymization-key";

    /// <summary>The staff on duty (a String parameter, as security would set it with put-parameter --overwrite).</summary>
    public const string StaffOnDutyParameterName = "/badgeflow/local/staff-on-duty";
    public const string StreamName = "badgeflow-reads";
    public const string TopicName = "badgeflow-density-reports";
    public const string Database = "dev";
    public const string Workgroup = "badgeflow-local";
    public const string ReadsTable = "badge_reads";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan DeliveryLag = TimeSpan.FromMinutes(7);

    private readonly List<IAsyncDisposable> _stopOrder = [];
    private readonly ILogger _logger;
    private LoopbackServer? _awsServer;
    private LoopbackServer? _sensorServer;
    private Warehouse.Warehouse? _warehouse;
    private FirehoseService? _firehose;
    private SnsService? _sns;
    private string? _campusFile;
    private AggregatorSchedule? _schedule;

    private LocalStack(LocalStackOptions options, string workingDirectory, ILoggerFactory loggerFactory)
    {
        Options = options;
        WorkingDirectory = workingDirectory;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LocalStack>();
        Counters = new PipelineCounters();
        Functions = new LambdaService(options.Region, options.AccountId);
        var start = options.VirtualStart ?? DefaultVirtualStart(options.TimeProvider.GetUtcNow(), options.SimulatedDuration);
        Clock = new VirtualClock(options.TimeProvider, start, options.Speed);
        TopicArn = $"arn:aws:sns:{options.Region}:{options.AccountId}:{TopicName}";
    }

    public LocalStackOptions Options { get; }

    public string WorkingDirectory { get; }

    public ILoggerFactory LoggerFactory { get; }

    public Uri EndpointUrl => _awsServer!.BaseUri;

    public Uri SensorApiUrl => _sensorServer!.BaseUri;

    /// <summary>The sensor API's keys, one per key group of the campus (empty until the functions start).</summary>
    public IReadOnlyList<IssuedApiKey> ApiKeys { get; private set; } = [];

    public string DeliveryStreamName => StreamName;

    public string TopicArn { get; }

    public VirtualClock Clock { get; }

    public PipelineCounters Counters { get; }

    public LambdaService Functions { get; }

    public Warehouse.Warehouse Warehouse => _warehouse!;

    public FirehoseService Firehose => _firehose!;

    public SnsService Sns => _sns!;

    /// <summary>The Aggregator's schedule; null when <see cref="LocalStackOptions.RunSchedule"/> is false.</summary>
    public AggregatorSchedule? Schedule => _schedule;

    /// <summary>Every Publish on any topic, as it happens.</summary>
    public IObservable<PublishedMessage> PublishedMessages => _sns!.Published;

    /// <summary>The first window of a simulated event of <paramref name="duration"/> that ends before <paramref name="now"/>
    /// with a quarter of an hour to spare: a UTC quarter-hour boundary.</summary>
    public static DateTimeOffset DefaultVirtualStart(DateTimeOffset now, TimeSpan duration)
    {
        var back = now - duration - Window;
        return new DateTimeOffset(back.UtcTicks - (back.UtcTicks % Window.Ticks), TimeSpan.Zero);
    }

    public static async Task<LocalStack> StartAsync(LocalStackOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var workingDirectory = Path.GetFullPath(options.WorkingDirectory);
        Directory.CreateDirectory(workingDirectory);
        var stack = new LocalStack(options, workingDirectory, options.LoggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            await stack.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Moves virtual time on by <paramref name="step"/> every few real milliseconds until Firehose has settled every
    /// record it accepted: delivery goes through the buffers and COPYs as it would on AWS, only the clock is pushed.
    /// The Aggregator's schedule runs as its marks pass. Gives up (TimeoutException) after <paramref name="limit"/> of
    /// virtual time.
    /// </summary>
    /// <summary>How far Firehose's due processing lags behind the virtual clock (zero when this machine keeps up).</summary>
    public TimeSpan FirehoseProcessingLag => _firehose!.ProcessingLag;

    /// <summary>Records the local Firehose has accepted and not yet delivered (or kept as failed).</summary>
    public long UndeliveredRecords => _firehose!.UndeliveredRecords;

    public async Task DrainAsync(TimeSpan step, TimeSpan limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var giveUpAt = Clock.GetUtcNow() + limit;
        while (_firehose!.UndeliveredRecords > 0)
        {
            var now = Clock.GetUtcNow();
            if (now >= giveUpAt)
            {
                throw new TimeoutException($"Firehose still holds {_firehose.UndeliveredRecords} records after {limit} of virtual time.");
            }

            Clock.AdvanceTo(now + step);
            await Task.Delay(TimeSpan.FromMilliseconds(20), Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var options = Options;
        var time = options.TimeProvider;
        var logs = Path.Combine(WorkingDirectory, "logs");
        Directory.CreateDirectory(logs);

        string? repositoryRoot = null;
        FunctionBuilder? builder = null;
        if (options.StartFunctions)
        {
            repositoryRoot = FunctionBuilder.FindRepositoryRoot(options.RepositoryRoot);
            builder = new FunctionBuilder(repositoryRoot, logs, LoggerFactory.CreateLogger<FunctionBuilder>());
            _campusFile = Path.GetFullPath(options.CampusFile ?? Path.Combine(repositoryRoot, "functions", "campus.json"));
            var campus = await Domain.Campus.CampusRegistry.LoadAsync(_campusFile, cancellationToken).ConfigureAwait(false);
            ApiKeys = IssuedApiKey.Issue(campus.KeyGroups, options.ApiKeys);
            if (options.BuildFunctions)
            {
                await builder.BuildAsync(FunctionBuilder.Functions, cancellationToken).ConfigureAwait(false);
            }
        }

        _warehouse = Local.Warehouse.Warehouse.Open(Path.Combine(WorkingDirectory, "warehouse.duckdb"));
        var engine = new WarehouseStatementEngine(_warehouse);

        // Bind the endpoint first: the services and the functions need its URL.
        AwsEndpoint? endpoint = null;
        _awsServer = await LoopbackServer.StartAsync(
            options.AwsPort,
            context =>
            {
                if (endpoint is null)
                {
                    context.Response.StatusCode = 503;
                    return Task.CompletedTask;
                }

                return endpoint.HandleAsync(context);
            },
            LoggerFactory,
            cancellationToken).ConfigureAwait(false);

        var ssm = new ParameterStoreService(time, options.Region, options.AccountId);
        var dataApi = new DataApiService(engine, time, options.ResultPageSize, LoggerFactory.CreateLogger<DataApiService>());
        // Firehose's buffers and COPYs run on the virtual clock, as do its arrival timestamps.
        _firehose = new FirehoseService(
            new FirehoseEnvironment(options.Region, options.AccountId, WorkingDirectory), engine, Functions, Counters, options.Firehose, Clock, time, LoggerFactory);
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        _sns = new SnsService(
            new SnsEnvironment(options.Region, options.AccountId, EndpointUrl, WorkingDirectory, options.NotificationConsole ?? new LoggerTextWriter(_logger)),
            http, Functions, time, LoggerFactory.CreateLogger<SnsService>());
        var responses = new CustomResourceResponses();
        endpoint = new AwsEndpoint([_firehose, dataApi, ssm], [_sns], responses, LoggerFactory.CreateLogger<AwsEndpoint>());
        dataApi.Start();
        _stopOrder.Add(dataApi);
        _stopOrder.Add(_sns);
        _stopOrder.Add(new DisposableHttpClient(http));
        LogEndpoint(_logger, EndpointUrl);

        if (options.Provision)
        {
            ssm.Put(KeyParameterName, await ReadOrCreateKeyAsync(cancellationToken).ConfigureAwait(false), "SecureString");
            ssm.Put(StaffOnDutyParameterName, options.StaffOnDuty.ToString(System.Globalization.CultureInfo.InvariantCulture), "String");
            _sns.CreateTopic(TopicName);
            _sns.Subscribe(TopicArn, "file", Path.Combine(WorkingDirectory, "reports.ndjson"));
        }

        if (builder is not null)
        {
            await Functions.StartAsync(Definitions(builder), logs, options.EchoFunctionLogs, LoggerFactory, cancellationToken).ConfigureAwait(false);
            if (options.Provision)
            {
                await CreateSchemaAsync(responses, cancellationToken).ConfigureAwait(false);
            }
        }

        if (options.Provision)
        {
            _firehose.Create(StreamDefinition());
        }

        if (builder is not null)
        {
            var sensorApi = new SensorApiServer(
                new SensorApiSettings(ApiKeys, "Producer", options.AccountId, TimeSpan.FromSeconds(29)),
                Functions, Counters, Clock, LoggerFactory.CreateLogger<SensorApiServer>()); // requestTimeEpoch is virtual time
            _sensorServer = await LoopbackServer.StartAsync(options.SensorApiPort, sensorApi.HandleAsync, LoggerFactory, cancellationToken).ConfigureAwait(false);
            LogSensorApi(_logger, SensorApiUrl);

            if (options.RunSchedule && options.Provision)
            {
                _schedule = new AggregatorSchedule(
                    Clock, Functions, new ScheduleSettings("Aggregator", Window, DeliveryLag, Clock.Start), LoggerFactory.CreateLogger<AggregatorSchedule>());
                _schedule.Start();
            }
        }
    }

    private CreateDeliveryStreamInput StreamDefinition()
    {
        var transformArn = Functions.ArnOf("Transform");
        var timing = Options.Firehose;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var processing = new ProcessingConfiguration(true, [new Processor("Lambda", [
            new ProcessorParameter("LambdaArn", transformArn),
            new ProcessorParameter("NumberOfRetries", "3"),
            new ProcessorParameter("BufferSizeInMBs", timing.ProcessorBufferSizeMiB.ToString("0.###", invariant)),
            new ProcessorParameter("BufferIntervalInSeconds", timing.ProcessorBufferInterval.TotalSeconds.ToString("0.###", invariant)),
        ])]);
        var s3 = new S3Configuration(
            $"arn:aws:iam::{Options.AccountId}:role/badgeflow-firehose", "arn:aws:s3:::badgeflow-local-staging", "staging/", "errors/",
            new BufferingHints(timing.DestinationBufferSizeMiB, (int)timing.DestinationBufferInterval.TotalSeconds), "UNCOMPRESSED", null, null);
        return new CreateDeliveryStreamInput(StreamName, "DirectPut", null, null, new RedshiftDestinationConfiguration(
            $"arn:aws:iam::{Options.AccountId}:role/badgeflow-firehose",
            $"jdbc:redshift://{Workgroup}.{Options.AccountId}.{Options.Region}.redshift-serverless.amazonaws.com:5439/{Database}",
            new CopyCommand(ReadsTable, null, "FORMAT AS JSON 'auto' TIMEFORMAT 'auto'"),
            "badgeflow_firehose",
            s3,
            processing));
    }

    private List<FunctionDefinition> Definitions(FunctionBuilder builder)
    {
        var options = Options;
        Dictionary<string, string> Common(string name) => new(StringComparer.Ordinal)
        {
            ["LOG_LEVEL"] = "Information",
            ["METRICS_NAMESPACE"] = "BadgeFlow",
            ["AWS_REGION"] = options.Region,
            ["AWS_DEFAULT_REGION"] = options.Region,
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_SESSION_TOKEN"] = "test",
            ["AWS_ENDPOINT_URL"] = EndpointUrl.ToString().TrimEnd('/'),
            ["AWS_LAMBDA_FUNCTION_NAME"] = name,
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512",
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/{name}",
            ["_HANDLER"] = "bootstrap",
        };

        var producer = Common("Producer");
        producer["DELIVERY_STREAM_NAME"] = StreamName;
        producer["PSEUDONYMIZATION_KEY_PARAMETER"] = KeyParameterName;
        producer["SENSOR_KEY_GROUPS"] = IssuedApiKey.KeyGroupsSetting(ApiKeys);
        producer["CAMPUS_FILE"] = _campusFile!;
        var transform = Common("Transform");
        transform["PSEUDONYMIZATION_KEY_PARAMETER"] = KeyParameterName;
        var aggregator = Common("Aggregator");
        aggregator["REDSHIFT_DATABASE"] = Database;
        aggregator["REDSHIFT_WORKGROUP_NAME"] = Workgroup;
        aggregator["TOPIC_ARN"] = TopicArn;
        aggregator["STAFF_ON_DUTY_PARAMETER"] = StaffOnDutyParameterName;
        aggregator["READ_RETENTION_DAYS"] = options.ReadRetentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture);
        aggregator["WINDOW_MINUTES"] = ((int)Window.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        aggregator["DELIVERY_LAG_MINUTES"] = ((int)DeliveryLag.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The Aggregator waits for the watermark on its real clock: scaled so the wait covers the virtual time it
        // covers on AWS (120 s, polled every 20 s); a paused clock makes waiting pointless.
        var (wait, poll) = CompletenessWait(options.FunctionTimeScale ?? options.Speed);
        aggregator["COMPLETENESS_WAIT_SECONDS"] = wait;
        aggregator["COMPLETENESS_POLL_SECONDS"] = poll;
        var schema = Common("Schema");
        schema["REDSHIFT_DATABASE"] = Database;
        schema["REDSHIFT_WORKGROUP_NAME"] = Workgroup;

        return
        [
            FunctionDefinition.ForAssembly("Producer", builder.AssemblyPath("Producer"), producer, Math.Max(1, options.ProducerInstances), options.FunctionTimeout),
            FunctionDefinition.ForAssembly("Transform", builder.AssemblyPath("Transform"), transform, Math.Max(1, options.Firehose.ProcessorInvocations), options.FunctionTimeout),
            FunctionDefinition.ForAssembly("Aggregator", builder.AssemblyPath("Aggregator"), aggregator, 1, options.FunctionTimeout),
            FunctionDefinition.ForAssembly("Schema", builder.AssemblyPath("Schema"), schema, 1, options.FunctionTimeout),
        ];
    }

    /// <summary>COMPLETENESS_WAIT_SECONDS and COMPLETENESS_POLL_SECONDS for functions whose second is
    /// <paramref name="scale"/> virtual seconds: the Aggregator's defaults (120 s, 20 s) divided by it.</summary>
    public static (string Wait, string Poll) CompletenessWait(double scale)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return scale > 0
            ? ((120 / scale).ToString("0.###", invariant), Math.Max(0.001, 20 / scale).ToString("0.###", invariant))
            : ("0", "1");
    }

    /// <summary>Runs the Schema custom resource as CloudFormation would on stack creation, answering to the endpoint's
    /// stand-in for the pre-signed S3 URL, and fails startup with the function's reason if it answers FAILED.</summary>
    private async Task CreateSchemaAsync(CustomResourceResponses responses, CancellationToken cancellationToken)
    {
        var (path, response) = responses.Expect();
        var serviceToken = Functions.ArnOf("Schema");
        var request = new CustomResourceRequest(
            "Create", serviceToken, new Uri(EndpointUrl, path).ToString(),
            $"arn:aws:cloudformation:{Options.Region}:{Options.AccountId}:stack/badgeflow-local/{Guid.NewGuid()}",
            Guid.NewGuid().ToString(), "WarehouseSchema", "Custom::WarehouseSchema",
            new Dictionary<string, string> { ["ServiceToken"] = serviceToken });
        var payload = JsonSerializer.Serialize(request, LocalStackJsonContext.Default.CustomResourceRequest);
        var invocation = await Functions.InvokeAsync("Schema", payload, cancellationToken).ConfigureAwait(false);
        if (!invocation.Succeeded)
        {
            throw new InvalidOperationException($"The Schema function failed ({invocation.ErrorType}): {invocation.ErrorJson}. See {Path.Combine(WorkingDirectory, "logs", "Schema-0.log")}.");
        }

        var body = await response.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var answer = JsonSerializer.Deserialize(body, LocalStackJsonContext.Default.CustomResourceAnswer);
        if (answer?.Status != "SUCCESS")
        {
            throw new InvalidOperationException($"The Schema custom resource answered {answer?.Status}: {answer?.Reason}");
        }

        LogSchema(_logger);
    }

    /// <summary>The pseudonymization key of this working directory: created once (32 random bytes, base64, owner-only
    /// file), so hashes stay comparable across runs on the same warehouse.</summary>
    private async Task<string> ReadOrCreateKeyAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(WorkingDirectory, "pseudonymization.key");
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(path, key, Encoding.ASCII, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }

    public async ValueTask DisposeAsync()
    {
        if (_schedule is not null)
        {
            await _schedule.DisposeAsync().ConfigureAwait(false);
        }

        if (_sensorServer is not null)
        {
            await _sensorServer.DisposeAsync().ConfigureAwait(false);
        }

        if (_firehose is not null)
        {
            // Stop delivering before the functions go away. What is not yet delivered stays in Firehose's intake log
            // and is delivered by the next start on this working directory: an accepted read is never lost.
            if (_firehose.UndeliveredRecords > 0)
            {
                LogUndeliveredAtStop(_logger, _firehose.UndeliveredRecords);
            }

            await _firehose.DisposeAsync().ConfigureAwait(false);
        }

        await Functions.DisposeAsync().ConfigureAwait(false);
        foreach (var service in _stopOrder)
        {
            await service.DisposeAsync().ConfigureAwait(false);
        }

        if (_awsServer is not null)
        {
            await _awsServer.DisposeAsync().ConfigureAwait(false);
        }

        _warehouse?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "AWS endpoint on {EndpointUrl}")]
    private static partial void LogEndpoint(ILogger logger, Uri endpointUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor API on {SensorApiUrl}reads")]
    private static partial void LogSensorApi(ILogger logger, Uri sensorApiUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warehouse schema created by the Schema function")]
    private static partial void LogSchema(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Firehose keeps {RecordCount} undelivered records in its intake log for the next start")]
    private static partial void LogUndeliveredAtStop(ILogger logger, long recordCount);

    private sealed class DisposableHttpClient(HttpClient client) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
