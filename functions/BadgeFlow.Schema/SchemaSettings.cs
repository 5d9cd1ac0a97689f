using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Runtime;

namespace BadgeFlow.Schema;

/// <summary>The Schema function's environment (docs/ARCHITECTURE.md), read once at start-up.</summary>
public sealed record SchemaSettings(RedshiftTarget Target, TimeSpan StatementTimeout)
{
    public static SchemaSettings Read(EnvironmentSettings env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var database = env.Required("REDSHIFT_DATABASE");
        var workgroup = env.Optional("REDSHIFT_WORKGROUP_NAME");
        var cluster = env.Optional("REDSHIFT_CLUSTER_IDENTIFIER");
        if ((workgroup is null) == (cluster is null))
        {
            env.AddProblem("Exactly one of REDSHIFT_WORKGROUP_NAME (Redshift Serverless) or REDSHIFT_CLUSTER_IDENTIFIER (provisioned cluster) must be set"
                + (workgroup is null ? ", but neither is." : ", but both are."));
        }

        var secretArn = env.Optional("REDSHIFT_SECRET_ARN");
        var dbUser = env.Optional("REDSHIFT_DB_USER");
        if (dbUser is not null && workgroup is not null)
        {
            env.AddProblem("REDSHIFT_DB_USER applies to provisioned clusters only; Redshift Serverless maps the IAM identity to a user itself.");
        }

        var timeoutSeconds = env.Int32("STATEMENT_TIMEOUT_SECONDS", defaultValue: 120, min: 1, max: 900);
        env.ThrowIfInvalid();
        return new SchemaSettings(new RedshiftTarget(database, workgroup, cluster, secretArn, dbUser), TimeSpan.FromSeconds(timeoutSeconds));
    }
}
