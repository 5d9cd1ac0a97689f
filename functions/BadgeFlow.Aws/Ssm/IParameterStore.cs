namespace BadgeFlow.Aws.Ssm;

/// <summary>Reads SSM parameters; SecureStrings come back decrypted.</summary>
public interface IParameterStore
{
    Task<string> GetSecureStringAsync(string name, CancellationToken cancellationToken);
}
