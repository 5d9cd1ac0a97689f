using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.RedshiftData;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Firehose;

/// <summary>Amazon Data Firehose (JSON 1.1, <c>Firehose_20150804.*</c>): direct-put delivery streams with a Redshift
/// destination (loaded into the local warehouse) or an S3 destination (a folder), optionally with a Lambda processor.</summary>
public sealed partial class FirehoseService : IJsonProtocolService, IAsyncDisposable
{
    private const int MaxRecordBytes = Domain.AwsQuotas.FirehoseMaxRecordBytes;
    private const int MaxBatchBytes = Domain.AwsQuotas.FirehoseMaxBatchBytes;
    private const int MaxBatchRecords = Domain.AwsQuotas.FirehoseMaxBatchRecords;

    // Firehose's answer for a record it cannot take now (botocore firehose: PutRecordBatchResponseEntry.ErrorCode).
    private const string ThrottledCode = "ServiceUnavailableException";
    private const string ThrottledMessage = "Slow down.";

    private readonly ConcurrentDictionary<string, DeliveryStream> _streams = new(StringComparer.Ordinal);
    private readonly FirehoseEnvironment _environment;
    private readonly IStatementEngine _engine;
    private readonly IFunctionInvoker? _functions;
    private readonly PipelineCounters _counters;
    private readonly FirehoseTiming _timing;
    private readonly TimeProvider _time;
    private readonly TimeProvider _real;
    private readonly ILoggerFactory _loggerFactory;

    /// <param name="time">The clock Firehose's buffering and COPYs run on (the local stack's virtual clock).</param>
    /// <param name="real">The real clock, for retry back-off and how often the streams look at <paramref name="time"/>.</param>
    public FirehoseService(
        FirehoseEnvironment environment,
        IStatementEngine engine,
        IFunctionInvoker? functions,
        PipelineCounters counters,
        FirehoseTiming timing,
        TimeProvider time,
        TimeProvider real,
        ILoggerFactory loggerFactory)
    {
        _environment = environment;
        _engine = engine;
        _functions = functions;
        _counters = counters;
        _timing = timing;
        _time = time;
        _real = real;
        _loggerFactory = loggerFactory;
    }

    public string TargetPrefix => "Firehose_20150804";

    public string MessageMember => "message";

    public IReadOnlyCollection<string> StreamNames => _streams.Keys.ToList();

    public Task<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        Task.FromResult(operation switch
        {
            "CreateDeliveryStream" => Serialize(new CreateDeliveryStreamOutput(Create(Parse(body, FirehoseJsonContext.Default.CreateDeliveryStreamInput)).Settings.Arn),
                FirehoseJsonContext.Default.CreateDeliveryStreamOutput),
            "DescribeDeliveryStream" => Describe(Parse(body, FirehoseJsonContext.Default.StreamNameInput)),
            "ListDeliveryStreams" => List(Parse(body, FirehoseJsonContext.Default.ListDeliveryStreamsInput)),
            "DeleteDeliveryStream" => Delete(Parse(body, FirehoseJsonContext.Default.StreamNameInput)),
            "PutRecord" => PutRecord(Parse(body, FirehoseJsonContext.Default.PutRecordInput)),
            "PutRecordBatch" => PutRecordBatch(Parse(body, FirehoseJsonContext.Default.PutRecordBatchInput)),
            _ => throw new AwsErrorException("UnknownOperationException", $"Operation {operation} is not supported by the local Firehose."),
        });

    /// <summary>Creates a stream (startup provisioning uses this directly).</summary>
    public DeliveryStream Create(CreateDeliveryStreamInput input)
    {
        var name = ValidName(input.DeliveryStreamName);
        if (input.DeliveryStreamType is not (null or "DirectPut"))
        {
            throw new AwsErrorException("InvalidArgumentException", $"Only DirectPut streams are supported locally, not {input.DeliveryStreamType}.");
        }

        var arn = $"arn:aws:firehose:{_environment.Region}:{_environment.AccountId}:deliverystream/{name}";
        var (kind, destination, s3, processing) = ResolveDestination(input, name);
        var processor = processing is { Enabled: not false } ? processing.Processors?.FirstOrDefault(p => p.Type == "Lambda") : null;
        string? Parameter(string key) => processor?.Parameters?.FirstOrDefault(p => p.ParameterName == key)?.ParameterValue;
        var lambdaArn = Parameter("LambdaArn");
        if (processor is not null && lambdaArn is null)
        {
            throw new AwsErrorException("InvalidArgumentException", "A Lambda processor needs a LambdaArn parameter.");
        }

        // With a processor, Firehose first buffers by the processor's hints before invoking it (defaults 1 MB / 60 s),
        // then by the destination's (defaults 5 MB / 300 s) before delivering.
        var processorMb = Number(Parameter("BufferSizeInMBs")) ?? 1;
        var processorSeconds = Number(Parameter("BufferIntervalInSeconds")) ?? 60;
        var settings = new DeliveryStreamSettings(
            name,
            arn,
            _environment.Region,
            kind,
            (long)(Math.Max(0.01, processorMb) * 1024 * 1024),
            TimeSpan.FromSeconds(Math.Max(0, processorSeconds)),
            Math.Max(1, s3?.BufferingHints?.SizeInMBs ?? 5) * 1024L * 1024,
            TimeSpan.FromSeconds(Math.Max(0, s3?.BufferingHints?.IntervalInSeconds ?? 300)),
            lambdaArn,
            lambdaArn,
            (int?)Number(Parameter("NumberOfRetries")) ?? 3,
            Path.Combine(_environment.WorkingDirectory, "processing-failed", name),
            Path.Combine(_environment.WorkingDirectory, "firehose", name),
            $"{Math.Abs(name.GetHashCode(StringComparison.Ordinal)) % 100000:D5}{_time.GetUtcNow().ToUnixTimeSeconds():D12}",
            input);
        var stream = new DeliveryStream(settings, _timing, destination, _functions, _counters, _time, _real, _loggerFactory.CreateLogger<DeliveryStream>());
        if (!_streams.TryAdd(name, stream))
        {
            throw new AwsErrorException("ResourceInUseException", $"Firehose {name} under accountId {_environment.AccountId} already exists.");
        }

        stream.Start();
        LogCreated(_loggerFactory.CreateLogger<FirehoseService>(), name, kind, lambdaArn ?? "none");
        return stream;
    }

    public bool TryGet(string name, out DeliveryStream stream) => _streams.TryGetValue(name, out stream!);

    /// <summary>Records accepted by any stream and not yet settled.</summary>
    public long UndeliveredRecords => _streams.Values.Sum(s => s.UndeliveredRecords);

    /// <summary>The largest <see cref="DeliveryStream.ProcessingLag"/> of any stream.</summary>
    public TimeSpan ProcessingLag => _streams.Values.Select(s => s.ProcessingLag).DefaultIfEmpty(TimeSpan.Zero).Max();

    private (string Kind, IDeliveryDestination Destination, S3Configuration? S3, ProcessingConfiguration? Processing) ResolveDestination(CreateDeliveryStreamInput input, string name)
    {
        if (input.RedshiftDestinationConfiguration is { } redshift)
        {
            var table = redshift.CopyCommand?.DataTableName
                ?? throw new AwsErrorException("InvalidArgumentException", "RedshiftDestinationConfiguration.CopyCommand.DataTableName is required.");
            return ("Redshift", new WarehouseTableDestination(_engine, table), redshift.S3Configuration, redshift.ProcessingConfiguration);
        }

        var s3 = input.ExtendedS3DestinationConfiguration ?? input.S3DestinationConfiguration
            ?? throw new AwsErrorException("InvalidArgumentException", "A RedshiftDestinationConfiguration or (Extended)S3DestinationConfiguration is required.");
        var bucket = s3.BucketArn?.Split(":::", 2) is [_, var b] ? b : throw new AwsErrorException("InvalidArgumentException", "BucketARN must look like arn:aws:s3:::bucket.");
        if (!LocalFolders.IsValidBucketName(bucket))
        {
            throw new AwsErrorException("InvalidArgumentException", "BucketARN does not name a valid S3 bucket.");
        }

        // The bucket is a folder of the working directory, and the prefix a path inside it: never outside.
        var root = LocalFolders.Confine(Path.Combine(_environment.WorkingDirectory, "s3", bucket), s3.Prefix ?? string.Empty)
            ?? throw new AwsErrorException("InvalidArgumentException", "Prefix must be a path inside the bucket (no '..' segment).");
        return ("ExtendedS3", new FolderDestination(root, name, _time), s3, s3.ProcessingConfiguration);
    }

    private byte[] Describe(StreamNameInput input)
    {
        var stream = Get(input.DeliveryStreamName);
        var request = stream.Settings.Request;
        var hints = new BufferingHints((int)(stream.Settings.DestinationBufferBytes / (1024 * 1024)), (int)stream.Settings.DestinationInterval.TotalSeconds);
        DestinationDescription destination;
        if (request.RedshiftDestinationConfiguration is { } redshift)
        {
            var s3 = redshift.S3Configuration;
            destination = new DestinationDescription("destinationId-000000000001", null, new RedshiftDestinationDescription(
                redshift.RoleArn ?? string.Empty,
                redshift.ClusterJdbcUrl ?? string.Empty,
                redshift.CopyCommand!,
                redshift.Username,
                S3Description(s3, s3?.BufferingHints ?? hints),
                redshift.ProcessingConfiguration));
        }
        else
        {
            var s3 = request.ExtendedS3DestinationConfiguration ?? request.S3DestinationConfiguration;
            destination = new DestinationDescription("destinationId-000000000001", S3Description(s3, s3?.BufferingHints ?? hints), null);
        }

        var description = new DeliveryStreamDescription(
            stream.Settings.Name, stream.Settings.Arn, "ACTIVE", "DirectPut", "1", stream.CreatedAt.ToUnixTimeMilliseconds() / 1000.0, [destination], false);
        return Serialize(new DescribeDeliveryStreamOutput(description), FirehoseJsonContext.Default.DescribeDeliveryStreamOutput);
    }

    private static S3DestinationDescription S3Description(S3Configuration? s3, BufferingHints hints) => new(
        s3?.RoleArn ?? string.Empty,
        s3?.BucketArn ?? string.Empty,
        s3?.Prefix,
        s3?.ErrorOutputPrefix,
        hints,
        s3?.CompressionFormat ?? "UNCOMPRESSED",
        s3?.EncryptionConfiguration ?? new EncryptionConfiguration("NoEncryption"),
        s3?.ProcessingConfiguration);

    private byte[] List(ListDeliveryStreamsInput input)
    {
        var limit = Math.Clamp(input.Limit ?? 10, 1, 10000);
        var names = _streams.Keys
            .Where(n => input.DeliveryStreamType is null or "DirectPut")
            .Where(n => input.ExclusiveStartDeliveryStreamName is null || string.CompareOrdinal(n, input.ExclusiveStartDeliveryStreamName) > 0)
            .Order(StringComparer.Ordinal)
            .ToList();
        return Serialize(new ListDeliveryStreamsOutput([.. names.Take(limit)], names.Count > limit), FirehoseJsonContext.Default.ListDeliveryStreamsOutput);
    }

    private byte[] Delete(StreamNameInput input)
    {
        var name = ValidName(input.DeliveryStreamName);
        if (!_streams.TryRemove(name, out var stream))
        {
            throw NotFound(name);
        }

        // Firehose deletes asynchronously; it delivers what it holds first (as the clock moves) so no accepted read is lost.
        _ = DrainAndDeleteAsync(stream);
        return Serialize(new EmptyOutput(), FirehoseJsonContext.Default.EmptyOutput);
    }

    private static async Task DrainAndDeleteAsync(DeliveryStream stream)
    {
        await stream.WhenSettledAsync(CancellationToken.None).ConfigureAwait(false);
        await stream.DeleteAsync().ConfigureAwait(false);
    }

    private byte[] PutRecord(PutRecordInput input)
    {
        var stream = Get(input.DeliveryStreamName);
        var data = input.Record?.Data ?? throw new AwsErrorException("InvalidArgumentException", "Record.Data is required.");
        CheckRecord(data, 0);
        var id = stream.Put([data])[0] ?? throw new AwsErrorException(ThrottledCode, ThrottledMessage, 503);
        return Serialize(new PutRecordOutput(id, false), FirehoseJsonContext.Default.PutRecordOutput);
    }

    private byte[] PutRecordBatch(PutRecordBatchInput input)
    {
        var stream = Get(input.DeliveryStreamName);
        var records = input.Records;
        if (records is null || records.Count is < 1 or > MaxBatchRecords)
        {
            throw new AwsErrorException("InvalidArgumentException", "Records must hold between 1 and 500 records.");
        }

        long total = 0;
        var data = new List<byte[]>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var bytes = records[i].Data ?? throw new AwsErrorException("InvalidArgumentException", $"Records[{i}].Data is required.");
            CheckRecord(bytes, i);
            total += bytes.Length;
            data.Add(bytes);
        }

        if (total > MaxBatchBytes)
        {
            throw new AwsErrorException("InvalidArgumentException", $"The batch holds {total} bytes; PutRecordBatch takes at most 4 MiB.");
        }

        // Records past the intake bound get Firehose's per-record throttling answer; the sender resends them.
        var ids = stream.Put(data);
        return Serialize(
            new PutRecordBatchOutput(
                ids.Count(id => id is null),
                false,
                [.. ids.Select(id => id is null ? new PutRecordBatchResponseEntry(null, ThrottledCode, ThrottledMessage) : new PutRecordBatchResponseEntry(id, null, null))]),
            FirehoseJsonContext.Default.PutRecordBatchOutput);
    }

    private static void CheckRecord(byte[] data, int index)
    {
        if (data.Length > MaxRecordBytes)
        {
            throw new AwsErrorException("InvalidArgumentException",
                $"1 validation error detected: Value at 'records.{(index + 1).ToString(CultureInfo.InvariantCulture)}.member.data' failed to satisfy constraint: Member must have length less than or equal to {MaxRecordBytes.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private DeliveryStream Get(string? name)
    {
        var valid = ValidName(name);
        return _streams.TryGetValue(valid, out var stream) ? stream : throw NotFound(valid);
    }

    private AwsErrorException NotFound(string name) =>
        new("ResourceNotFoundException", $"Firehose {name} under account {_environment.AccountId} not found.");

    private static string ValidName(string? name) =>
        name is not null && StreamName().IsMatch(name)
            ? name
            : throw new AwsErrorException("InvalidArgumentException", $"DeliveryStreamName '{name}' must be 1-64 characters of [a-zA-Z0-9_.-].");

    private static double? Number(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null;

    private static T Parse<T>(ReadOnlyMemory<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(body.Span, type) ?? throw new AwsErrorException("SerializationException", "Empty request body.");

    private static byte[] Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.SerializeToUtf8Bytes(value, type);

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in _streams.Values)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        _streams.Clear();
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,64}$")]
    private static partial Regex StreamName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery stream {StreamName} created ({Destination}, processor {Processor})")]
    private static partial void LogCreated(ILogger logger, string streamName, string destination, string processor);
}

/// <summary>Where Firehose's streams live: region, account and the working directory for folders.</summary>
public sealed record FirehoseEnvironment(string Region, string AccountId, string WorkingDirectory);
