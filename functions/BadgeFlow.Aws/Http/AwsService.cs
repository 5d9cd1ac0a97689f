namespace BadgeFlow.Aws.Http;

/// <summary>How one AWS service is reached: its endpoint prefix (host name part), SigV4 signing name, the suffix of its
/// <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> override, its protocol and, for JSON 1.1, the prefix of its
/// <c>X-Amz-Target</c> (botocore's <c>targetPrefix</c>). The IAM action prefix of these services is their signing name.</summary>
public sealed record AwsService(
    string Name, string EndpointPrefix, string SigningName, string EndpointEnvSuffix, AwsProtocol Protocol, string? TargetPrefix = null)
{
    /// <summary>The SDK-standard endpoint override for every service.</summary>
    public const string SharedEndpointVariable = "AWS_ENDPOINT_URL";

    public static readonly AwsService Firehose = new("Firehose", "firehose", "firehose", "FIREHOSE", AwsProtocol.Json11, "Firehose_20150804");
    public static readonly AwsService RedshiftData = new("RedshiftData", "redshift-data", "redshift-data", "REDSHIFT_DATA", AwsProtocol.Json11, "RedshiftData");
    public static readonly AwsService Sns = new("SNS", "sns", "sns", "SNS", AwsProtocol.Query);
    public static readonly AwsService Ssm = new("SSM", "ssm", "ssm", "SSM", AwsProtocol.Json11, "AmazonSSM");

    /// <summary>This service's own endpoint override, <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>.</summary>
    public string EndpointVariable => SharedEndpointVariable + "_" + EndpointEnvSuffix;

    /// <summary>The endpoint for <paramref name="region"/>: <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> wins over
    /// <c>AWS_ENDPOINT_URL</c>, which wins over <c>https://{prefix}.{region}.amazonaws.com</c> (SDK-standard precedence).</summary>
    public Uri ResolveEndpoint(string region, Func<string, string?> environment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(environment);

        var configured = NonEmpty(environment(EndpointVariable)) ?? NonEmpty(environment(SharedEndpointVariable));
        if (configured is not null)
        {
            if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new ArgumentException($"The endpoint override for {Name} is not an absolute http(s) URL: '{configured}'.", nameof(environment));
            }

            return uri;
        }

        // China regions live under amazonaws.com.cn; every other commercial and GovCloud region under amazonaws.com.
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{EndpointPrefix}.{region}.{suffix}/");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public enum AwsProtocol
{
    /// <summary>POST / with <c>X-Amz-Target</c> and an <c>application/x-amz-json-1.1</c> body.</summary>
    Json11,

    /// <summary>POST / with a form-encoded <c>Action=…&amp;Version=…</c> body and an XML response.</summary>
    Query,
}
