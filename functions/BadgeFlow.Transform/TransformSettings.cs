using BadgeFlow.Aws;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Runtime;

namespace BadgeFlow.Transform;

/// <summary>Transform's settings, read once from the environment.</summary>
/// <param name="KeyParameterName"><c>PSEUDONYMIZATION_KEY_PARAMETER</c>: SSM SecureString holding the HMAC key (base64).</param>
/// <param name="CampusFile"><c>CAMPUS_FILE</c>: a campus registry replacing the embedded one, or null.</param>
/// <param name="MetricsNamespace"><c>METRICS_NAMESPACE</c>.</param>
public sealed record TransformSettings(string KeyParameterName, string? CampusFile, string MetricsNamespace)
{
    /// <summary>What Transform needs from its deployment: the variables <see cref="Read"/> reads, the actions its clients
    /// call (template tests check template.yaml against it).</summary>
    public static FunctionContract Contract => FunctionContract.Of(Read, SsmParameterStore.Actions.GetParameter);

    /// <summary>Reads the settings; throws <see cref="SettingsException"/> naming every missing or malformed variable.</summary>
    public static TransformSettings Read(EnvironmentSettings env)
        => (env ?? throw new ArgumentNullException(nameof(env))).Build(env => new TransformSettings(
            env.Required("PSEUDONYMIZATION_KEY_PARAMETER"),
            env.Optional("CAMPUS_FILE"),
            env.Optional("METRICS_NAMESPACE", "BadgeFlow")));
}
