using System.Text;
using System.Xml;
using BadgeFlow.Aws.Http;

namespace BadgeFlow.Aws.Sns;

/// <summary>Amazon SNS Publish over the query protocol (botocore sns 2010-03-31): form-encoded request, XML response.</summary>
public sealed class SnsClient : ISns
{
    /// <summary>Publish's limit on Message plus attributes, in UTF-8 bytes (model docs).</summary>
    public const int MaxMessageBytes = 262_144;

    /// <summary>The operations this client calls.</summary>
    public static class Actions
    {
        public static readonly AwsAction Publish = new(AwsService.Sns, "Publish");
    }

    private readonly AwsTransport _transport;

    public SnsClient(AwsTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
    }

    public async Task<string> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Encoding.UTF8.GetBytes(FormatPublish(request));
        var response = await _transport.SendQueryAsync(Actions.Publish.Service, body, null, cancellationToken).ConfigureAwait(false);
        return ReadMessageId(response.Body)
            ?? throw new AwsServiceException("SNS", "MalformedResponse", "Publish answered without PublishResult/MessageId.", 200, response.RequestId);
    }

    /// <summary>The form body botocore's query serializer would send: maps as <c>MessageAttributes.entry.N.Name</c> /
    /// <c>.Value.DataType</c> / <c>.Value.StringValue</c>, N from 1, here in ordinal key order so the body is stable.</summary>
    public static string FormatPublish(PublishRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TopicArn);
        ArgumentNullException.ThrowIfNull(request.Message);

        var form = new StringBuilder(request.Message.Length + 256);
        Append(form, "Action", Actions.Publish.Operation);
        Append(form, "Version", "2010-03-31");
        Append(form, "TopicArn", request.TopicArn);
        Append(form, "Message", request.Message);
        if (request.Subject is not null)
        {
            Append(form, "Subject", request.Subject);
        }

        if (request.MessageStructure is not null)
        {
            Append(form, "MessageStructure", request.MessageStructure);
        }

        var n = 0;
        foreach (var (name, value) in (request.MessageAttributes ?? new Dictionary<string, MessageAttributeValue>()).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            n++;
            var prefix = "MessageAttributes.entry." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Append(form, prefix + ".Name", name);
            Append(form, prefix + ".Value.DataType", value.DataType);
            Append(form, prefix + ".Value.StringValue", value.StringValue);
        }

        return form.ToString();
    }

    internal static string? ReadMessageId(byte[] body)
    {
        using var stream = new MemoryStream(body, writable: false);
        using var reader = XmlReader.Create(stream, SafeXml.Settings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "MessageId")
            {
                var id = reader.ReadElementContentAsString().Trim();
                return id.Length == 0 ? null : id;
            }
        }

        return null;
    }

    private static void Append(StringBuilder form, string name, string value)
    {
        if (form.Length > 0)
        {
            form.Append('&');
        }

        // RFC 3986 percent-encoding is a valid form encoding and leaves nothing ambiguous ('+' is sent as %2B).
        form.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }
}
