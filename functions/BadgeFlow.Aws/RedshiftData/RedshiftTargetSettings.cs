using BadgeFlow.Runtime;

namespace BadgeFlow.Aws.RedshiftData;

/// <summary>Where the Data API runs statements, read from the environment; shared by the Aggregator and the Schema function.</summary>
public static class RedshiftTargetSettings
{
    /// <summary>REDSHIFT_DATABASE and exactly one of REDSHIFT_WORKGROUP_NAME (Serverless) or REDSHIFT_CLUSTER_IDENTIFIER
    /// (provisioned), with optional REDSHIFT_SECRET_ARN / REDSHIFT_DB_USER.</summary>
    public static RedshiftTarget ReadTarget(EnvironmentSettings env)
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

        return new RedshiftTarget(database, workgroup, cluster, secretArn, dbUser);
    }
}
