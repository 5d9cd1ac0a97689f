namespace BadgeFlow.Local.Endpoint;

/// <summary>A service on the JSON 1.1 protocol, chosen by the <c>X-Amz-Target</c> prefix.</summary>
public interface IJsonProtocolService
{
    /// <summary>e.g. <c>Firehose_20150804</c>.</summary>
    string TargetPrefix { get; }

    /// <summary>The error shape's message member: Firehose and SSM use <c>message</c>, Redshift Data <c>Message</c>.</summary>
    string MessageMember { get; }

    /// <summary>Runs one operation; returns the UTF-8 JSON response body or throws <see cref="AwsErrorException"/>.</summary>
    Task<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}

/// <summary>A service on the query protocol (SNS), chosen by <c>Action</c>.</summary>
public interface IQueryProtocolService
{
    string Version { get; }

    string XmlNamespace { get; }

    bool Handles(string action);

    /// <summary>Runs one action; returns the XML response document or throws <see cref="AwsErrorException"/>.</summary>
    Task<string> HandleAsync(string action, IReadOnlyDictionary<string, string> parameters, string requestId, CancellationToken cancellationToken);
}
