using System.Text.Json;
using System.Text.Json.Serialization;
using BadgeFlow.Aws.Http;

namespace BadgeFlow.Aws.Ssm;

/// <summary>SSM GetParameter over JSON 1.1 (<c>AmazonSSM.GetParameter</c>, botocore ssm 2014-11-06). A thin call instead of
/// AWSSDK.SimpleSystemsManagement: one operation does not justify loading the whole SDK client at cold start.</summary>
public sealed class SsmParameterStore : IParameterStore
{
    /// <summary>The operations this client calls.</summary>
    public static class Actions
    {
        public static readonly AwsAction GetParameter = new(AwsService.Ssm, "GetParameter");
    }

    private readonly AwsTransport _transport;

    public SsmParameterStore(AwsTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
    }

    public async Task<string> GetSecureStringAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var body = JsonSerializer.SerializeToUtf8Bytes(new GetParameterRequestWire(name, WithDecryption: true), SsmJsonContext.Default.GetParameterRequestWire);
        var response = await _transport.SendJsonAsync(Actions.GetParameter, body, null, cancellationToken).ConfigureAwait(false);
        var wire = JsonSerializer.Deserialize(response.Body, SsmJsonContext.Default.GetParameterResponseWire);
        return wire?.Parameter?.Value
            ?? throw new AwsServiceException("SSM", "MalformedResponse", "GetParameter answered without Parameter.Value.", 200, response.RequestId);
    }
}

internal sealed record GetParameterRequestWire(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("WithDecryption")] bool WithDecryption);

internal sealed record GetParameterResponseWire([property: JsonPropertyName("Parameter")] ParameterWire? Parameter);

internal sealed record ParameterWire(
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("Type")] string? Type,
    [property: JsonPropertyName("Value")] string? Value,
    [property: JsonPropertyName("Version")] long? Version);

[JsonSerializable(typeof(GetParameterRequestWire))]
[JsonSerializable(typeof(GetParameterResponseWire))]
internal sealed partial class SsmJsonContext : JsonSerializerContext;
