using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Transform;

/// <summary>How Transform's response is serialized. Base64 data is nearly all of it, and the default encoder writes
/// every <c>+</c> of base64 as <c>\u002B</c> (6 bytes for 1, about 8 % of the response). The response goes to Firehose,
/// never into HTML, so the relaxed encoder (which leaves <c>+</c> as it is) is safe; <see cref="ResponseBudget"/>
/// counts sizes for this encoder.</summary>
public static class TransformResponseJson
{
    public static JsonTypeInfo<FirehoseTransformationResponse> Response { get; } = new EventsJsonContext(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    }).FirehoseTransformationResponse;
}
