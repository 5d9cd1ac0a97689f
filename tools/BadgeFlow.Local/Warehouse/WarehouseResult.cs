using System.Text.Json.Serialization;

namespace BadgeFlow.Local.Warehouse;

/// <summary>A Data API <c>Field</c>: a union in which exactly one member is present (<c>isNull</c> for SQL NULL).</summary>
public sealed record WarehouseField
{
    [JsonPropertyName("isNull")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IsNull { get; init; }

    [JsonPropertyName("booleanValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? BooleanValue { get; init; }

    [JsonPropertyName("longValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LongValue { get; init; }

    [JsonPropertyName("doubleValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DoubleValue { get; init; }

    [JsonPropertyName("stringValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StringValue { get; init; }

    [JsonPropertyName("blobValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? BlobValue { get; init; }

    public static WarehouseField Null { get; } = new() { IsNull = true };

    public static WarehouseField Of(long value) => new() { LongValue = value };

    public static WarehouseField Of(double value) => new() { DoubleValue = value };

    public static WarehouseField Of(bool value) => new() { BooleanValue = value };

    public static WarehouseField Of(string value) => new() { StringValue = value };
}

/// <summary>A Data API <c>ColumnMetadata</c> entry, with Redshift's type names (int8, varchar, timestamp…).</summary>
public sealed record WarehouseColumn
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("label")]
    public required string Label { get; init; }

    [JsonPropertyName("typeName")]
    public required string TypeName { get; init; }

    /// <summary>An integer on the wire, as in JDBC: 1 = nullable (DuckDB result columns carry no NOT NULL information).</summary>
    [JsonPropertyName("nullable")]
    public int Nullable { get; init; } = 1;

    [JsonPropertyName("isSigned")]
    public bool IsSigned { get; init; }

    [JsonPropertyName("isCaseSensitive")]
    public bool IsCaseSensitive { get; init; }

    [JsonPropertyName("isCurrency")]
    public bool IsCurrency { get; init; }

    [JsonPropertyName("precision")]
    public int Precision { get; init; }

    [JsonPropertyName("scale")]
    public int Scale { get; init; }

    [JsonPropertyName("length")]
    public int Length { get; init; }

    [JsonPropertyName("schemaName")]
    public string SchemaName { get; init; } = string.Empty;

    [JsonPropertyName("tableName")]
    public string TableName { get; init; } = string.Empty;
}

/// <summary>What one statement produced, in Data API terms: DescribeStatement's HasResultSet and ResultRows, and
/// GetStatementResult's ColumnMetadata and Records (all of them; the endpoint pages).</summary>
public sealed record WarehouseResult(
    bool HasResultSet,
    long ResultRows,
    IReadOnlyList<WarehouseColumn> Columns,
    IReadOnlyList<IReadOnlyList<WarehouseField>> Records)
{
    public static WarehouseResult NoResultSet(long affectedRows) => new(false, affectedRows, [], []);
}

/// <summary>A Data API SqlParameter: a name and a string value Redshift converts to the type it needs.</summary>
public sealed record WarehouseParameter(string Name, string Value);

/// <summary>A statement the warehouse could not run; <see cref="Exception.Message"/> is what DescribeStatement's Error
/// should say ("ERROR: …", as Redshift words it).</summary>
public sealed class WarehouseException : Exception
{
    public WarehouseException(string message)
        : base(message)
    {
    }

    public WarehouseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WarehouseException()
    {
    }
}

[JsonSerializable(typeof(WarehouseResult))]
[JsonSerializable(typeof(IReadOnlyList<IReadOnlyList<WarehouseField>>))]
[JsonSerializable(typeof(IReadOnlyList<WarehouseColumn>))]
public sealed partial class WarehouseJsonContext : JsonSerializerContext;
