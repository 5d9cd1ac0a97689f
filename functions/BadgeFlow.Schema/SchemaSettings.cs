using BadgeFlow.Aws;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Runtime;

namespace BadgeFlow.Schema;

/// <summary>The Schema function's environment (docs/ARCHITECTURE.md), read once at start-up.</summary>
public sealed record SchemaSettings(RedshiftTarget Target, TimeSpan StatementTimeout)
{
    /// <summary>What the Schema function needs from its deployment: the variables <see cref="Read"/> reads, the actions
    /// its clients call (template tests check template.yaml against it). The statement runner's batch path: execute,
    /// poll, cancel on timeout; no result is fetched.</summary>
    public static FunctionContract Contract => FunctionContract.Of(
        Read,
        RedshiftDataClient.Actions.BatchExecuteStatement,
        RedshiftDataClient.Actions.DescribeStatement,
        RedshiftDataClient.Actions.CancelStatement);

    /// <summary>Reads every variable, collecting all problems into one <see cref="SettingsException"/>.</summary>
    public static SchemaSettings Read(EnvironmentSettings env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var target = RedshiftTargetSettings.ReadTarget(env);
        var timeoutSeconds = env.Int32("STATEMENT_TIMEOUT_SECONDS", defaultValue: 120, min: 1, max: 900);
        env.ThrowIfInvalid();
        return new SchemaSettings(target, TimeSpan.FromSeconds(timeoutSeconds));
    }
}
