namespace BadgeFlow.Aws.RedshiftData;

/// <summary>The Redshift Data API operations BadgeFlow calls (wire shapes: botocore redshift-data 2019-12-20).</summary>
public interface IRedshiftData
{
    /// <summary>ExecuteStatement; returns the statement Id.</summary>
    Task<string> ExecuteStatementAsync(StatementRequest request, CancellationToken cancellationToken);

    /// <summary>BatchExecuteStatement (1–40 statements, one transaction); returns the batch Id (sub-statements are Id:1, Id:2…).</summary>
    Task<string> BatchExecuteStatementAsync(BatchStatementRequest request, CancellationToken cancellationToken);

    Task<StatementDescription> DescribeStatementAsync(string id, CancellationToken cancellationToken);

    /// <summary>One page of GetStatementResult; pass the returned NextToken back until it is null.</summary>
    Task<StatementResultPage> GetStatementResultAsync(string id, string? nextToken, CancellationToken cancellationToken);

    /// <summary>CancelStatement; true when Redshift cancelled it.</summary>
    Task<bool> CancelStatementAsync(string id, CancellationToken cancellationToken);
}

/// <summary>Where statements run: a Serverless workgroup or a provisioned cluster, authenticated by a Secrets Manager
/// secret, a database user (cluster) or the caller's IAM identity.</summary>
public sealed record RedshiftTarget(string Database, string? WorkgroupName, string? ClusterIdentifier, string? SecretArn, string? DbUser);

public sealed record SqlParameter(string Name, string Value);

public sealed record StatementRequest(RedshiftTarget Target, string Sql, IReadOnlyList<SqlParameter> Parameters, string? StatementName = null);

public sealed record BatchStatementRequest(RedshiftTarget Target, IReadOnlyList<string> Sqls, string? StatementName = null);

public enum StatementStatus { Submitted, Picked, Started, Finished, Aborted, Failed }

/// <summary>DescribeStatement. ResultRows is -1 when Redshift reports none; Duration is in nanoseconds on the wire.</summary>
public sealed record StatementDescription(
    string Id,
    StatementStatus Status,
    string? Error,
    bool HasResultSet,
    long ResultRows,
    TimeSpan Duration)
{
    public bool IsTerminal => Status is StatementStatus.Finished or StatementStatus.Failed or StatementStatus.Aborted;
}

public sealed record ColumnMetadata(string Name, string TypeName);

/// <summary>A Data API Field: a union where exactly one member is set (isNull for SQL NULL).</summary>
public readonly record struct Field(bool IsNull, bool? BooleanValue, long? LongValue, double? DoubleValue, string? StringValue);

public sealed record StatementResultPage(
    IReadOnlyList<ColumnMetadata> Columns,
    IReadOnlyList<IReadOnlyList<Field>> Records,
    long TotalNumRows,
    string? NextToken);
