using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace BadgeFlow.Aws.Http;

/// <summary>What a function needs from its environment to call AWS: the region and the SDK's default credentials chain
/// (on Lambda: the execution role's environment variables).</summary>
public static class AwsEnvironment
{
    /// <summary><c>AWS_REGION</c> (set by Lambda), else <c>AWS_DEFAULT_REGION</c>.</summary>
    public static string Region(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var region = environment("AWS_REGION");
        if (string.IsNullOrWhiteSpace(region))
        {
            region = environment("AWS_DEFAULT_REGION");
        }

        return string.IsNullOrWhiteSpace(region)
            ? throw new InvalidOperationException("AWS_REGION (or AWS_DEFAULT_REGION) is not set: the AWS clients need a region.")
            : region.Trim();
    }

    /// <summary>Resolves credentials once (cold start); the returned object refreshes itself when they are temporary.</summary>
    public static async Task<AWSCredentials> ResolveCredentialsAsync(CancellationToken cancellationToken)
    {
        using var resolver = new DefaultAWSCredentialsIdentityResolver();
        // The chain reads environment variables, profiles and container/instance metadata; it needs no service client
        // configuration, which only exists inside the SDK's own clients.
        return await resolver.ResolveIdentityAsync(clientConfig: null!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The transport all of a function's clients share, built once at cold start from the process environment
    /// (region, credentials chain, <c>AWS_ENDPOINT_URL*</c>) with the default retry policy.</summary>
    public static async Task<AwsTransport> CreateTransportAsync(HttpClient http, CancellationToken cancellationToken)
    {
        Func<string, string?> environment = Environment.GetEnvironmentVariable;
        var credentials = await ResolveCredentialsAsync(cancellationToken).ConfigureAwait(false);
        return new AwsTransport(http, credentials, Region(environment), TimeProvider.System, AwsRetryPolicy.Default, environment);
    }
}
