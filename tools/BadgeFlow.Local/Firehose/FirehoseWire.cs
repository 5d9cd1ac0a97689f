using System.Text.Json.Serialization;

namespace BadgeFlow.Local.Firehose;

// Wire shapes of Amazon Data Firehose (botocore firehose 2015-08-04), the subset the local stack honours, and the
// Lambda data-transformation event and response.

public sealed record BufferingHints(
    [property: JsonPropertyName("SizeInMBs")] int? SizeInMBs,
    [property: JsonPropertyName("IntervalInSeconds")] int? IntervalInSeconds);

public sealed record ProcessorParameter(
    [property: JsonPropertyName("ParameterName")] string ParameterName,
    [property: JsonPropertyName("ParameterValue")] string ParameterValue);

public sealed record Processor(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("Parameters")] IReadOnlyList<ProcessorParameter>? Parameters);

public sealed record ProcessingConfiguration(
    [property: JsonPropertyName("Enabled")] bool? Enabled,
    [property: JsonPropertyName("Processors")] IReadOnlyList<Processor>? Processors);

public sealed record EncryptionConfiguration([property: JsonPropertyName("NoEncryptionConfig")] string? NoEncryptionConfig);

public sealed record S3Configuration(
    [property: JsonPropertyName("RoleARN")] string? RoleArn,
    [property: JsonPropertyName("BucketARN")] string? BucketArn,
    [property: JsonPropertyName("Prefix")] string? Prefix,
    [property: JsonPropertyName("ErrorOutputPrefix")] string? ErrorOutputPrefix,
    [property: JsonPropertyName("BufferingHints")] BufferingHints? BufferingHints,
    [property: JsonPropertyName("CompressionFormat")] string? CompressionFormat,
    [property: JsonPropertyName("ProcessingConfiguration")] ProcessingConfiguration? ProcessingConfiguration,
    [property: JsonPropertyName("EncryptionConfiguration")] EncryptionConfiguration? EncryptionConfiguration);

public sealed record CopyCommand(
    [property: JsonPropertyName("DataTableName")] string DataTableName,
    [property: JsonPropertyName("DataTableColumns")] string? DataTableColumns,
    [property: JsonPropertyName("CopyOptions")] string? CopyOptions);

public sealed record RedshiftDestinationConfiguration(
    [property: JsonPropertyName("RoleARN")] string? RoleArn,
    [property: JsonPropertyName("ClusterJDBCURL")] string? ClusterJdbcUrl,
    [property: JsonPropertyName("CopyCommand")] CopyCommand? CopyCommand,
    [property: JsonPropertyName("Username")] string? Username,
    [property: JsonPropertyName("S3Configuration")] S3Configuration? S3Configuration,
    [property: JsonPropertyName("ProcessingConfiguration")] ProcessingConfiguration? ProcessingConfiguration);

public sealed record CreateDeliveryStreamInput(
    [property: JsonPropertyName("DeliveryStreamName")] string? DeliveryStreamName,
    [property: JsonPropertyName("DeliveryStreamType")] string? DeliveryStreamType,
    [property: JsonPropertyName("S3DestinationConfiguration")] S3Configuration? S3DestinationConfiguration,
    [property: JsonPropertyName("ExtendedS3DestinationConfiguration")] S3Configuration? ExtendedS3DestinationConfiguration,
    [property: JsonPropertyName("RedshiftDestinationConfiguration")] RedshiftDestinationConfiguration? RedshiftDestinationConfiguration);

public sealed record CreateDeliveryStreamOutput([property: JsonPropertyName("DeliveryStreamARN")] string DeliveryStreamArn);

public sealed record StreamNameInput(
    [property: JsonPropertyName("DeliveryStreamName")] string? DeliveryStreamName,
    [property: JsonPropertyName("AllowForceDelete")] bool? AllowForceDelete);

public sealed record ListDeliveryStreamsInput(
    [property: JsonPropertyName("Limit")] int? Limit,
    [property: JsonPropertyName("DeliveryStreamType")] string? DeliveryStreamType,
    [property: JsonPropertyName("ExclusiveStartDeliveryStreamName")] string? ExclusiveStartDeliveryStreamName);

public sealed record ListDeliveryStreamsOutput(
    [property: JsonPropertyName("DeliveryStreamNames")] IReadOnlyList<string> DeliveryStreamNames,
    [property: JsonPropertyName("HasMoreDeliveryStreams")] bool HasMoreDeliveryStreams);

public sealed record S3DestinationDescription(
    [property: JsonPropertyName("RoleARN")] string RoleArn,
    [property: JsonPropertyName("BucketARN")] string BucketArn,
    [property: JsonPropertyName("Prefix")] string? Prefix,
    [property: JsonPropertyName("ErrorOutputPrefix")] string? ErrorOutputPrefix,
    [property: JsonPropertyName("BufferingHints")] BufferingHints BufferingHints,
    [property: JsonPropertyName("CompressionFormat")] string CompressionFormat,
    [property: JsonPropertyName("EncryptionConfiguration")] EncryptionConfiguration EncryptionConfiguration,
    [property: JsonPropertyName("ProcessingConfiguration")] ProcessingConfiguration? ProcessingConfiguration);

public sealed record RedshiftDestinationDescription(
    [property: JsonPropertyName("RoleARN")] string RoleArn,
    [property: JsonPropertyName("ClusterJDBCURL")] string ClusterJdbcUrl,
    [property: JsonPropertyName("CopyCommand")] CopyCommand CopyCommand,
    [property: JsonPropertyName("Username")] string? Username,
    [property: JsonPropertyName("S3DestinationDescription")] S3DestinationDescription S3DestinationDescription,
    [property: JsonPropertyName("ProcessingConfiguration")] ProcessingConfiguration? ProcessingConfiguration);

public sealed record DestinationDescription(
    [property: JsonPropertyName("DestinationId")] string DestinationId,
    [property: JsonPropertyName("ExtendedS3DestinationDescription")] S3DestinationDescription? ExtendedS3DestinationDescription,
    [property: JsonPropertyName("RedshiftDestinationDescription")] RedshiftDestinationDescription? RedshiftDestinationDescription);

public sealed record DeliveryStreamDescription(
    [property: JsonPropertyName("DeliveryStreamName")] string DeliveryStreamName,
    [property: JsonPropertyName("DeliveryStreamARN")] string DeliveryStreamArn,
    [property: JsonPropertyName("DeliveryStreamStatus")] string DeliveryStreamStatus,
    [property: JsonPropertyName("DeliveryStreamType")] string DeliveryStreamType,
    [property: JsonPropertyName("VersionId")] string VersionId,
    [property: JsonPropertyName("CreateTimestamp")] double CreateTimestamp,
    [property: JsonPropertyName("Destinations")] IReadOnlyList<DestinationDescription> Destinations,
    [property: JsonPropertyName("HasMoreDestinations")] bool HasMoreDestinations);

public sealed record DescribeDeliveryStreamOutput(
    [property: JsonPropertyName("DeliveryStreamDescription")] DeliveryStreamDescription DeliveryStreamDescription);

public sealed record RecordInput([property: JsonPropertyName("Data")] byte[]? Data);

public sealed record PutRecordInput(
    [property: JsonPropertyName("DeliveryStreamName")] string? DeliveryStreamName,
    [property: JsonPropertyName("Record")] RecordInput? Record);

public sealed record PutRecordOutput(
    [property: JsonPropertyName("RecordId")] string RecordId,
    [property: JsonPropertyName("Encrypted")] bool Encrypted);

public sealed record PutRecordBatchInput(
    [property: JsonPropertyName("DeliveryStreamName")] string? DeliveryStreamName,
    [property: JsonPropertyName("Records")] IReadOnlyList<RecordInput>? Records);

public sealed record PutRecordBatchResponseEntry(
    [property: JsonPropertyName("RecordId")] string? RecordId,
    [property: JsonPropertyName("ErrorCode")] string? ErrorCode,
    [property: JsonPropertyName("ErrorMessage")] string? ErrorMessage);

public sealed record PutRecordBatchOutput(
    [property: JsonPropertyName("FailedPutCount")] int FailedPutCount,
    [property: JsonPropertyName("Encrypted")] bool Encrypted,
    [property: JsonPropertyName("RequestResponses")] IReadOnlyList<PutRecordBatchResponseEntry> RequestResponses);

public sealed record EmptyOutput;

/// <summary>The event Firehose sends a data-transformation Lambda.</summary>
public sealed record TransformationEvent(
    [property: JsonPropertyName("invocationId")] string InvocationId,
    [property: JsonPropertyName("deliveryStreamArn")] string DeliveryStreamArn,
    [property: JsonPropertyName("region")] string Region,
    [property: JsonPropertyName("records")] IReadOnlyList<TransformationEventRecord> Records);

public sealed record TransformationEventRecord(
    [property: JsonPropertyName("recordId")] string RecordId,
    [property: JsonPropertyName("approximateArrivalTimestamp")] long ApproximateArrivalTimestamp,
    [property: JsonPropertyName("data")] byte[] Data);

public sealed record TransformationResponse([property: JsonPropertyName("records")] IReadOnlyList<TransformationResponseRecord>? Records);

public sealed record TransformationResponseRecord(
    [property: JsonPropertyName("recordId")] string? RecordId,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("data")] string? Data);

/// <summary>One line of a processing-failed object, as Firehose writes its S3 error output for transformation failures.</summary>
public sealed record ProcessingFailedRecord(
    [property: JsonPropertyName("attemptsMade")] int AttemptsMade,
    [property: JsonPropertyName("arrivalTimestamp")] long ArrivalTimestamp,
    [property: JsonPropertyName("errorCode")] string ErrorCode,
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("attemptEndingTimestamp")] long AttemptEndingTimestamp,
    [property: JsonPropertyName("rawData")] byte[] RawData,
    [property: JsonPropertyName("lambdaArn")] string LambdaArn);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateDeliveryStreamInput))]
[JsonSerializable(typeof(CreateDeliveryStreamOutput))]
[JsonSerializable(typeof(StreamNameInput))]
[JsonSerializable(typeof(ListDeliveryStreamsInput))]
[JsonSerializable(typeof(ListDeliveryStreamsOutput))]
[JsonSerializable(typeof(DescribeDeliveryStreamOutput))]
[JsonSerializable(typeof(PutRecordInput))]
[JsonSerializable(typeof(PutRecordOutput))]
[JsonSerializable(typeof(PutRecordBatchInput))]
[JsonSerializable(typeof(PutRecordBatchOutput))]
[JsonSerializable(typeof(EmptyOutput))]
[JsonSerializable(typeof(TransformationEvent))]
[JsonSerializable(typeof(TransformationResponse))]
[JsonSerializable(typeof(ProcessingFailedRecord))]
internal sealed partial class FirehoseJsonContext : JsonSerializerContext;
