using BadgeFlow.Domain.Privacy;

namespace BadgeFlow.Aws.Ssm;

/// <summary>The pseudonymization key, read once at cold start from its SSM SecureString (Producer and Transform hash
/// badge IDs with the same key, so they read it the same way).</summary>
public static class PseudonymizationKey
{
    /// <summary>The pseudonymizer over the key held by <paramref name="parameterName"/>. A value that is no usable key
    /// fails start-up with an error naming the parameter, never the value.</summary>
    public static async Task<BadgePseudonymizer> LoadAsync(IParameterStore parameters, string parameterName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrWhiteSpace(parameterName);
        var key = await parameters.GetSecureStringAsync(parameterName, cancellationToken).ConfigureAwait(false);
        try
        {
            return BadgePseudonymizer.FromBase64Key(key);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(
                $"The SSM parameter {parameterName} does not hold a usable pseudonymization key: {e.Message}", e);
        }
    }
}
