using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using BadgeFlow.Local.Endpoint;

namespace BadgeFlow.Local.Ssm;

/// <summary>SSM Parameter Store (JSON 1.1, <c>AmazonSSM.*</c>): PutParameter and GetParameter, which is what the functions
/// need to read the pseudonymization key and what a developer needs to set one. In memory.</summary>
public sealed class ParameterStoreService : IJsonProtocolService
{
    private readonly ConcurrentDictionary<string, StoredParameter> _parameters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _region;
    private readonly string _accountId;

    public ParameterStoreService(TimeProvider time, string region, string accountId)
    {
        _time = time;
        _region = region;
        _accountId = accountId;
    }

    public string TargetPrefix => "AmazonSSM";

    public string MessageMember => "message";

    /// <summary>Stores a parameter directly (startup provisioning).</summary>
    public void Put(string name, string value, string type) =>
        _parameters.AddOrUpdate(
            name,
            _ => new StoredParameter(type, value, 1, _time.GetUtcNow()),
            (_, old) => new StoredParameter(type, value, old.Version + 1, _time.GetUtcNow()));

    public Task<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        Task.FromResult(operation switch
        {
            "PutParameter" => PutParameter(Parse(body, SsmJsonContext.Default.PutParameterRequest)),
            "GetParameter" => GetParameter(Parse(body, SsmJsonContext.Default.GetParameterRequest)),
            _ => throw new AwsErrorException("UnknownOperationException", $"Operation {operation} is not supported by the local SSM."),
        });

    private byte[] PutParameter(PutParameterRequest request)
    {
        if (string.IsNullOrEmpty(request.Name) || request.Value is null)
        {
            throw new AwsErrorException("ValidationException", "Name and Value are required.");
        }

        var type = request.Type ?? "String";
        if (type is not ("String" or "StringList" or "SecureString"))
        {
            throw new AwsErrorException("ValidationException", $"Type {type} is not String, StringList or SecureString.");
        }

        StoredParameter stored;
        if (request.Overwrite == true)
        {
            stored = _parameters.AddOrUpdate(
                request.Name,
                _ => new StoredParameter(type, request.Value, 1, _time.GetUtcNow()),
                (_, old) => new StoredParameter(type, request.Value, old.Version + 1, _time.GetUtcNow()));
        }
        else
        {
            stored = new StoredParameter(type, request.Value, 1, _time.GetUtcNow());
            if (!_parameters.TryAdd(request.Name, stored))
            {
                throw new AwsErrorException("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(new PutParameterResult(stored.Version, "Standard"), SsmJsonContext.Default.PutParameterResult);
    }

    private byte[] GetParameter(GetParameterRequest request)
    {
        if (string.IsNullOrEmpty(request.Name) || !_parameters.TryGetValue(request.Name, out var stored))
        {
            throw new AwsErrorException("ParameterNotFound", $"Parameter {request.Name} not found.");
        }

        // Without WithDecryption, SSM returns the ciphertext of a SecureString; an opaque value stands in for it.
        var value = stored.Type == "SecureString" && request.WithDecryption != true
            ? Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stored.Value)))
            : stored.Value;
        var parameter = new ParameterDescription(
            request.Name,
            stored.Type,
            value,
            stored.Version,
            stored.LastModified.ToUnixTimeMilliseconds() / 1000.0,
            $"arn:aws:ssm:{_region}:{_accountId}:parameter/{request.Name.TrimStart('/')}",
            "text");
        return JsonSerializer.SerializeToUtf8Bytes(new GetParameterResult(parameter), SsmJsonContext.Default.GetParameterResult);
    }

    private static T Parse<T>(ReadOnlyMemory<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(body.Span, type) ?? throw new AwsErrorException("SerializationException", "Empty request body.");

    private sealed record StoredParameter(string Type, string Value, long Version, DateTimeOffset LastModified);
}

public sealed record PutParameterRequest(
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("Value")] string? Value,
    [property: JsonPropertyName("Type")] string? Type,
    [property: JsonPropertyName("Overwrite")] bool? Overwrite);

public sealed record PutParameterResult(
    [property: JsonPropertyName("Version")] long Version,
    [property: JsonPropertyName("Tier")] string Tier);

public sealed record GetParameterRequest(
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("WithDecryption")] bool? WithDecryption);

public sealed record GetParameterResult([property: JsonPropertyName("Parameter")] ParameterDescription Parameter);

public sealed record ParameterDescription(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("Value")] string Value,
    [property: JsonPropertyName("Version")] long Version,
    [property: JsonPropertyName("LastModifiedDate")] double LastModifiedDate,
    [property: JsonPropertyName("ARN")] string Arn,
    [property: JsonPropertyName("DataType")] string DataType);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutParameterRequest))]
[JsonSerializable(typeof(PutParameterResult))]
[JsonSerializable(typeof(GetParameterRequest))]
[JsonSerializable(typeof(GetParameterResult))]
internal sealed partial class SsmJsonContext : JsonSerializerContext;
