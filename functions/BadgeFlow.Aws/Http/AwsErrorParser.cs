using System.Text.Json;
using System.Xml;

namespace BadgeFlow.Aws.Http;

/// <summary>Turns an error response into <see cref="AwsServiceException"/> the way botocore's parsers read them.</summary>
public static class AwsErrorParser
{
    /// <summary>JSON 1.1: <c>__type</c> (text after the last '#', cut at the first ':'), <c>message</c> or
    /// <c>Message</c>; the <c>x-amzn-ErrorType</c> header when the body has no type; the HTTP status as a last resort.</summary>
    public static AwsServiceException ParseJson(string service, int statusCode, ReadOnlySpan<byte> body, string? requestId, string? errorTypeHeader)
    {
        string? type = null;
        string? message = null;
        if (!body.IsEmpty)
        {
            try
            {
                var reader = new Utf8JsonReader(body);
                if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isType = reader.ValueTextEquals("__type"u8);
                        var isLowerMessage = reader.ValueTextEquals("message"u8);
                        var isUpperMessage = reader.ValueTextEquals("Message"u8);
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            if (isType)
                            {
                                type = reader.GetString();
                            }
                            else if (isLowerMessage || (isUpperMessage && message is null))
                            {
                                // botocore prefers the lower-case spelling when both are present.
                                message = reader.GetString();
                            }
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML error page, say): fall through to the header and the status code.
            }
        }

        var code = NormalizeType(type) ?? NormalizeType(errorTypeHeader) ?? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new AwsServiceException(service, code, message ?? string.Empty, statusCode, requestId);
    }

    /// <summary>Query: <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.</summary>
    public static AwsServiceException ParseQuery(string service, int statusCode, ReadOnlySpan<byte> body, string? requestIdHeader)
    {
        string? code = null;
        string? message = null;
        string? requestId = null;
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, SafeXml.Settings);
            reader.MoveToContent();
            while (!reader.EOF)
            {
                // ReadElementContentAsString already moves past the element, so only Read() when nothing was consumed.
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "Code" or "Message" or "RequestId")
                {
                    var name = reader.LocalName;
                    var value = reader.ReadElementContentAsString();
                    switch (name)
                    {
                        case "Code":
                            code ??= value;
                            break;
                        case "Message":
                            message ??= value;
                            break;
                        default:
                            requestId ??= value;
                            break;
                    }
                }
                else
                {
                    reader.Read();
                }
            }
        }
        catch (XmlException)
        {
            // Not XML: the status code stands in for the code.
        }

        return new AwsServiceException(
            service,
            string.IsNullOrWhiteSpace(code) ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : code.Trim(),
            message?.Trim() ?? string.Empty,
            statusCode,
            requestId ?? requestIdHeader);
    }

    private static string? NormalizeType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var hash = type.LastIndexOf('#');
        var code = hash >= 0 ? type[(hash + 1)..] : type;
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        code = colon >= 0 ? code[..colon] : code;
        code = code.Trim();
        return code.Length == 0 ? null : code;
    }
}

/// <summary>XML reader settings that refuse DTDs (no entity expansion from a service or a man in the middle).</summary>
internal static class SafeXml
{
    public static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
    };
}
