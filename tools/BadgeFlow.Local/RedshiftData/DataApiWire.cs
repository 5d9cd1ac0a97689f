using System.Text.Json.Serialization;

namespace BadgeFlow.Local.RedshiftData;

// Wire shapes of the Redshift Data API (botocore redshift-data 2019-12-20). Timestamps are epoch seconds.

public sealed record WireSqlParameter(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("value")] string? Value);

public sealed record ExecuteStatementInput(
    [property: JsonPropertyName("Sql")] string? Sql,
    [property: JsonPropertyName("Sqls")] IReadOnlyList<string>? Sqls,
    [property: JsonPropertyName("ClusterIdentifier")] string? ClusterIdentifier,
    [property: JsonPropertyName("WorkgroupName")] string? WorkgroupName,
    [property: JsonPropertyName("Database")] string? Database,
    [property: JsonPropertyName("DbUser")] string? DbUser,
    [property: JsonPropertyName("SecretArn")] string? SecretArn,
    [property: JsonPropertyName("Parameters")] IReadOnlyList<WireSqlParameter>? Parameters,
    [property: JsonPropertyName("StatementName")] string? StatementName,
    [property: JsonPropertyName("ResultFormat")] string? ResultFormat,
    [property: JsonPropertyName("ClientToken")] string? ClientToken);

public sealed record ExecuteStatementOutput(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("CreatedAt")] double CreatedAt,
    [property: JsonPropertyName("ClusterIdentifier")] string? ClusterIdentifier,
    [property: JsonPropertyName("WorkgroupName")] string? WorkgroupName,
    [property: JsonPropertyName("Database")] string? Database,
    [property: JsonPropertyName("DbUser")] string? DbUser,
    [property: JsonPropertyName("SecretArn")] string? SecretArn);

public sealed record StatementIdInput(
    [property: JsonPropertyName("Id")] string? Id,
    [property: JsonPropertyName("NextToken")] string? NextToken);

public sealed record DescribeStatementResponse(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("Error")] string? Error,
    [property: JsonPropertyName("Duration")] long Duration,
    [property: JsonPropertyName("CreatedAt")] double CreatedAt,
    [property: JsonPropertyName("UpdatedAt")] double UpdatedAt,
    [property: JsonPropertyName("HasResultSet")] bool HasResultSet,
    [property: JsonPropertyName("QueryString")] string? QueryString,
    [property: JsonPropertyName("ResultRows")] long ResultRows,
    [property: JsonPropertyName("ResultSize")] long ResultSize,
    [property: JsonPropertyName("RedshiftPid")] long RedshiftPid,
    [property: JsonPropertyName("RedshiftQueryId")] long RedshiftQueryId,
    [property: JsonPropertyName("QueryParameters")] IReadOnlyList<WireSqlParameter>? QueryParameters,
    [property: JsonPropertyName("SubStatements")] IReadOnlyList<SubStatementData>? SubStatements,
    [property: JsonPropertyName("ClusterIdentifier")] string? ClusterIdentifier,
    [property: JsonPropertyName("WorkgroupName")] string? WorkgroupName,
    [property: JsonPropertyName("Database")] string? Database,
    [property: JsonPropertyName("DbUser")] string? DbUser,
    [property: JsonPropertyName("SecretArn")] string? SecretArn,
    [property: JsonPropertyName("ResultFormat")] string ResultFormat);

public sealed record SubStatementData(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("Error")] string? Error,
    [property: JsonPropertyName("Duration")] long Duration,
    [property: JsonPropertyName("CreatedAt")] double CreatedAt,
    [property: JsonPropertyName("UpdatedAt")] double UpdatedAt,
    [property: JsonPropertyName("QueryString")] string QueryString,
    [property: JsonPropertyName("ResultRows")] long ResultRows,
    [property: JsonPropertyName("ResultSize")] long ResultSize,
    [property: JsonPropertyName("RedshiftQueryId")] long RedshiftQueryId,
    [property: JsonPropertyName("HasResultSet")] bool HasResultSet);

public sealed record WireField(
    [property: JsonPropertyName("isNull")] bool? IsNull,
    [property: JsonPropertyName("booleanValue")] bool? BooleanValue,
    [property: JsonPropertyName("longValue")] long? LongValue,
    [property: JsonPropertyName("doubleValue")] double? DoubleValue,
    [property: JsonPropertyName("stringValue")] string? StringValue,
    [property: JsonPropertyName("blobValue")] string? BlobValue);

public sealed record WireColumnMetadata(
    [property: JsonPropertyName("isCaseSensitive")] bool IsCaseSensitive,
    [property: JsonPropertyName("isCurrency")] bool IsCurrency,
    [property: JsonPropertyName("isSigned")] bool IsSigned,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("nullable")] int Nullable,
    [property: JsonPropertyName("precision")] int Precision,
    [property: JsonPropertyName("scale")] int Scale,
    [property: JsonPropertyName("schemaName")] string SchemaName,
    [property: JsonPropertyName("tableName")] string TableName,
    [property: JsonPropertyName("typeName")] string TypeName,
    [property: JsonPropertyName("length")] int Length);

public sealed record GetStatementResultResponse(
    [property: JsonPropertyName("Records")] IReadOnlyList<IReadOnlyList<WireField>> Records,
    [property: JsonPropertyName("ColumnMetadata")] IReadOnlyList<WireColumnMetadata> ColumnMetadata,
    [property: JsonPropertyName("TotalNumRows")] long TotalNumRows,
    [property: JsonPropertyName("NextToken")] string? NextToken);

public sealed record CancelStatementResponse([property: JsonPropertyName("Status")] bool Status);

public sealed record ListStatementsRequest(
    [property: JsonPropertyName("NextToken")] string? NextToken,
    [property: JsonPropertyName("MaxResults")] int? MaxResults,
    [property: JsonPropertyName("StatementName")] string? StatementName,
    [property: JsonPropertyName("Status")] string? Status);

public sealed record StatementData(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("QueryString")] string? QueryString,
    [property: JsonPropertyName("QueryStrings")] IReadOnlyList<string>? QueryStrings,
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("StatementName")] string? StatementName,
    [property: JsonPropertyName("CreatedAt")] double CreatedAt,
    [property: JsonPropertyName("UpdatedAt")] double UpdatedAt,
    [property: JsonPropertyName("QueryParameters")] IReadOnlyList<WireSqlParameter>? QueryParameters,
    [property: JsonPropertyName("IsBatchStatement")] bool IsBatchStatement,
    [property: JsonPropertyName("SecretArn")] string? SecretArn,
    [property: JsonPropertyName("ResultFormat")] string ResultFormat);

public sealed record ListStatementsResponse(
    [property: JsonPropertyName("Statements")] IReadOnlyList<StatementData> Statements,
    [property: JsonPropertyName("NextToken")] string? NextToken);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExecuteStatementInput))]
[JsonSerializable(typeof(ExecuteStatementOutput))]
[JsonSerializable(typeof(StatementIdInput))]
[JsonSerializable(typeof(DescribeStatementResponse))]
[JsonSerializable(typeof(GetStatementResultResponse))]
[JsonSerializable(typeof(CancelStatementResponse))]
[JsonSerializable(typeof(ListStatementsRequest))]
[JsonSerializable(typeof(ListStatementsResponse))]
internal sealed partial class DataApiJsonContext : JsonSerializerContext;
