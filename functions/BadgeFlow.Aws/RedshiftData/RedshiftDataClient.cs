using System.Text.Json;
using System.Text.Json.Serialization;
using BadgeFlow.Aws.Http;

namespace BadgeFlow.Aws.RedshiftData;

/// <summary>The Redshift Data API over JSON 1.1 (<c>RedshiftData.*</c>, botocore redshift-data 2019-12-20).</summary>
public sealed class RedshiftDataClient : IRedshiftData
{
    /// <summary>The operations this client calls.</summary>
    public static class Actions
    {
        public static readonly AwsAction ExecuteStatement = new(AwsService.RedshiftData, "ExecuteStatement");
        public static readonly AwsAction BatchExecuteStatement = new(AwsService.RedshiftData, "BatchExecuteStatement");
        public static readonly AwsAction DescribeStatement = new(AwsService.RedshiftData, "DescribeStatement");
        public static readonly AwsAction GetStatementResult = new(AwsService.RedshiftData, "GetStatementResult");
        public static readonly AwsAction CancelStatement = new(AwsService.RedshiftData, "CancelStatement");
    }

    private readonly AwsTransport _transport;

    public RedshiftDataClient(AwsTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
    }

    public async Task<string> ExecuteStatementAsync(StatementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Sql);
        var target = request.Target;
        var wire = new ExecuteStatementRequestWire(
            request.Sql,
            target.Database,
            target.WorkgroupName,
            target.ClusterIdentifier,
            target.SecretArn,
            target.DbUser,
            ToWire(request.Parameters),
            request.StatementName,
            NewClientToken());
        var response = await SendAsync(Actions.ExecuteStatement, JsonSerializer.SerializeToUtf8Bytes(wire, RedshiftDataJsonContext.Default.ExecuteStatementRequestWire), cancellationToken).ConfigureAwait(false);
        return Read(response, RedshiftDataJsonContext.Default.StatementIdResponseWire, "ExecuteStatement").Id
            ?? throw Malformed("ExecuteStatement", response, "no Id");
    }

    public async Task<string> BatchExecuteStatementAsync(BatchStatementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Sqls);
        if (request.Sqls.Count is 0 or > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Sqls.Count, "BatchExecuteStatement takes 1 to 40 statements.");
        }

        var target = request.Target;
        var wire = new BatchExecuteStatementRequestWire(
            [.. request.Sqls],
            target.Database,
            target.WorkgroupName,
            target.ClusterIdentifier,
            target.SecretArn,
            target.DbUser,
            request.StatementName,
            NewClientToken());
        var response = await SendAsync(Actions.BatchExecuteStatement, JsonSerializer.SerializeToUtf8Bytes(wire, RedshiftDataJsonContext.Default.BatchExecuteStatementRequestWire), cancellationToken).ConfigureAwait(false);
        return Read(response, RedshiftDataJsonContext.Default.StatementIdResponseWire, "BatchExecuteStatement").Id
            ?? throw Malformed("BatchExecuteStatement", response, "no Id");
    }

    public async Task<StatementDescription> DescribeStatementAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var response = await SendAsync(Actions.DescribeStatement, IdBody(id), cancellationToken).ConfigureAwait(false);
        var wire = Read(response, RedshiftDataJsonContext.Default.DescribeStatementResponseWire, "DescribeStatement");
        var status = wire.Status switch
        {
            "SUBMITTED" => StatementStatus.Submitted,
            "PICKED" => StatementStatus.Picked,
            "STARTED" => StatementStatus.Started,
            "FINISHED" => StatementStatus.Finished,
            "ABORTED" => StatementStatus.Aborted,
            "FAILED" => StatementStatus.Failed,
            var other => throw Malformed("DescribeStatement", response, $"unknown Status '{other}'"),
        };

        // Duration is in nanoseconds on the wire; a TimeSpan tick is 100 ns.
        return new StatementDescription(
            wire.Id ?? id,
            status,
            string.IsNullOrEmpty(wire.Error) ? null : wire.Error,
            wire.HasResultSet ?? false,
            wire.ResultRows ?? -1,
            TimeSpan.FromTicks(Math.Max(0, wire.Duration ?? 0) / 100));
    }

    public async Task<StatementResultPage> GetStatementResultAsync(string id, string? nextToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var body = JsonSerializer.SerializeToUtf8Bytes(new GetStatementResultRequestWire(id, string.IsNullOrEmpty(nextToken) ? null : nextToken), RedshiftDataJsonContext.Default.GetStatementResultRequestWire);
        var response = await SendAsync(Actions.GetStatementResult, body, cancellationToken).ConfigureAwait(false);
        var wire = Read(response, RedshiftDataJsonContext.Default.GetStatementResultResponseWire, "GetStatementResult");

        var columns = (wire.ColumnMetadata ?? []).Select(c => new ColumnMetadata(c.Name ?? c.Label ?? string.Empty, c.TypeName ?? string.Empty)).ToArray();
        var records = new IReadOnlyList<Field>[wire.Records?.Count ?? 0];
        for (var r = 0; r < records.Length; r++)
        {
            var row = wire.Records![r];
            var fields = new Field[row.Count];
            for (var f = 0; f < row.Count; f++)
            {
                var w = row[f];
                fields[f] = new Field(w.IsNull ?? false, w.BooleanValue, w.LongValue, w.DoubleValue, w.StringValue ?? w.BlobValue);
            }

            records[r] = fields;
        }

        // An absent or empty NextToken both mean the last page (paginators-1.json).
        return new StatementResultPage(columns, records, wire.TotalNumRows ?? records.Length, string.IsNullOrEmpty(wire.NextToken) ? null : wire.NextToken);
    }

    public async Task<bool> CancelStatementAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var response = await SendAsync(Actions.CancelStatement, IdBody(id), cancellationToken).ConfigureAwait(false);
        return Read(response, RedshiftDataJsonContext.Default.CancelStatementResponseWire, "CancelStatement").Status ?? false;
    }

    private Task<AwsResponse> SendAsync(AwsAction action, byte[] body, CancellationToken cancellationToken)
        => _transport.SendJsonAsync(action, body, null, cancellationToken);

    private static byte[] IdBody(string id) => JsonSerializer.SerializeToUtf8Bytes(new StatementIdRequestWire(id), RedshiftDataJsonContext.Default.StatementIdRequestWire);

    // An idempotency token per logical call, reused by the transport's retries, so a retried ExecuteStatement whose
    // first attempt did reach Redshift does not run the SQL twice.
    private static string NewClientToken() => Guid.NewGuid().ToString();

    private static SqlParameterWire[]? ToWire(IReadOnlyList<SqlParameter>? parameters)
        => parameters is null || parameters.Count == 0 ? null : [.. parameters.Select(p => new SqlParameterWire(p.Name, p.Value))];

    private static T Read<T>(AwsResponse response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string operation)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type) ?? throw Malformed(operation, response, "empty body");
        }
        catch (JsonException exception)
        {
            throw Malformed(operation, response, exception.Message);
        }
    }

    private static AwsServiceException Malformed(string operation, AwsResponse response, string detail)
        => new("RedshiftData", "MalformedResponse", $"{operation} answered a body that does not match the model: {detail}.", 200, response.RequestId);
}

internal sealed record SqlParameterWire(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);

internal sealed record ExecuteStatementRequestWire(
    [property: JsonPropertyName("Sql")] string Sql,
    [property: JsonPropertyName("Database")] string Database,
    [property: JsonPropertyName("WorkgroupName")] string? WorkgroupName,
    [property: JsonPropertyName("ClusterIdentifier")] string? ClusterIdentifier,
    [property: JsonPropertyName("SecretArn")] string? SecretArn,
    [property: JsonPropertyName("DbUser")] string? DbUser,
    [property: JsonPropertyName("Parameters")] SqlParameterWire[]? Parameters,
    [property: JsonPropertyName("StatementName")] string? StatementName,
    [property: JsonPropertyName("ClientToken")] string ClientToken);

internal sealed record BatchExecuteStatementRequestWire(
    [property: JsonPropertyName("Sqls")] string[] Sqls,
    [property: JsonPropertyName("Database")] string Database,
    [property: JsonPropertyName("WorkgroupName")] string? WorkgroupName,
    [property: JsonPropertyName("ClusterIdentifier")] string? ClusterIdentifier,
    [property: JsonPropertyName("SecretArn")] string? SecretArn,
    [property: JsonPropertyName("DbUser")] string? DbUser,
    [property: JsonPropertyName("StatementName")] string? StatementName,
    [property: JsonPropertyName("ClientToken")] string ClientToken);

internal sealed record StatementIdRequestWire([property: JsonPropertyName("Id")] string Id);

internal sealed record StatementIdResponseWire([property: JsonPropertyName("Id")] string? Id);

internal sealed record DescribeStatementResponseWire(
    [property: JsonPropertyName("Id")] string? Id,
    [property: JsonPropertyName("Status")] string? Status,
    [property: JsonPropertyName("Error")] string? Error,
    [property: JsonPropertyName("HasResultSet")] bool? HasResultSet,
    [property: JsonPropertyName("ResultRows")] long? ResultRows,
    [property: JsonPropertyName("Duration")] long? Duration);

internal sealed record GetStatementResultRequestWire(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("NextToken")] string? NextToken);

internal sealed record GetStatementResultResponseWire(
    [property: JsonPropertyName("Records")] List<List<FieldWire>>? Records,
    [property: JsonPropertyName("ColumnMetadata")] List<ColumnMetadataWire>? ColumnMetadata,
    [property: JsonPropertyName("TotalNumRows")] long? TotalNumRows,
    [property: JsonPropertyName("NextToken")] string? NextToken);

internal sealed record FieldWire(
    [property: JsonPropertyName("isNull")] bool? IsNull,
    [property: JsonPropertyName("booleanValue")] bool? BooleanValue,
    [property: JsonPropertyName("longValue")] long? LongValue,
    [property: JsonPropertyName("doubleValue")] double? DoubleValue,
    [property: JsonPropertyName("stringValue")] string? StringValue,
    [property: JsonPropertyName("blobValue")] string? BlobValue);

internal sealed record ColumnMetadataWire(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("typeName")] string? TypeName);

internal sealed record CancelStatementResponseWire([property: JsonPropertyName("Status")] bool? Status);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExecuteStatementRequestWire))]
[JsonSerializable(typeof(BatchExecuteStatementRequestWire))]
[JsonSerializable(typeof(StatementIdRequestWire))]
[JsonSerializable(typeof(StatementIdResponseWire))]
[JsonSerializable(typeof(DescribeStatementResponseWire))]
[JsonSerializable(typeof(GetStatementResultRequestWire))]
[JsonSerializable(typeof(GetStatementResultResponseWire))]
[JsonSerializable(typeof(CancelStatementResponseWire))]
internal sealed partial class RedshiftDataJsonContext : JsonSerializerContext;
