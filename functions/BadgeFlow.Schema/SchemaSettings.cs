using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Runtime;

namespace BadgeFlow.Schema;

/// <summary>The Schema function's environment (docs/ARCHITECTURE.md), read once at start-up.</summary>
public sealed record SchemaSettings(RedshiftTarget Target, TimeSpan StatementTimeout)
{
    public static SchemaSettings Read(EnvironmentSettings env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var target = RedshiftTargetSettings.ReadTarget(env);
        var timeoutSeconds = env.Int32("STATEMENT_TIMEOUT_SECONDS", defaultValue: 120, min: 1, max: 900);
        env.ThrowIfInvalid();
        return new SchemaSettings(target, TimeSpan.FromSeconds(timeoutSeconds));
    }
}
