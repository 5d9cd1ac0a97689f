using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Tests;

public sealed record GreetingRequest(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("count")] int Count);

public sealed record GreetingResponse(
    [property: JsonPropertyName("greeting")] string Greeting);

[JsonSerializable(typeof(GreetingRequest))]
[JsonSerializable(typeof(GreetingResponse))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>A handler whose behaviour each test supplies.</summary>
internal sealed class DelegateHandler(Func<GreetingRequest, LambdaContext, Task<GreetingResponse>> handle)
    : ILambdaHandler<GreetingRequest, GreetingResponse>
{
    public Task<GreetingResponse> HandleAsync(GreetingRequest request, LambdaContext context) => handle(request, context);
}
