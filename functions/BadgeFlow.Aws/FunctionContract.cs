using BadgeFlow.Aws.Http;
using BadgeFlow.Runtime;

namespace BadgeFlow.Aws;

/// <summary>What a function needs from its deployment, as data: the environment variables it reads and the AWS actions
/// its clients call. template.yaml must set exactly these variables (the required ones at least) and grant exactly these
/// actions (tests/BadgeFlow.Template.Tests).</summary>
/// <param name="EnvironmentVariables">Its settings record's variables, the host's (<see cref="LambdaHost.EnvironmentVariables"/>)
/// and the endpoint overrides of the services it calls.</param>
/// <param name="AwsActions">The operations its clients call (each client's <c>Actions</c>).</param>
public sealed record FunctionContract(IReadOnlyList<SettingVariable> EnvironmentVariables, IReadOnlyList<AwsAction> AwsActions)
{
    /// <summary>The contract of a function whose settings record is read by <paramref name="readSettings"/> and whose
    /// clients call <paramref name="awsActions"/>. The variables are not written down a second time: the reader is run
    /// once over an empty environment and <see cref="EnvironmentSettings.Variables"/> records every name it asks for
    /// (settings records read every variable unconditionally, so none is missed).</summary>
    public static FunctionContract Of<TSettings>(Func<EnvironmentSettings, TSettings> readSettings, params IReadOnlyList<AwsAction> awsActions)
    {
        ArgumentNullException.ThrowIfNull(readSettings);
        ArgumentNullException.ThrowIfNull(awsActions);
        var env = new EnvironmentSettings(static _ => null);
        try
        {
            readSettings(env);
        }
        catch (SettingsException)
        {
            // Expected: required variables are missing from the empty environment. What was read is what counts.
        }

        var services = awsActions.Select(a => a.Service).Distinct().ToList();
        IEnumerable<SettingVariable> endpoints = services.Count == 0
            ? []
            : [new(AwsService.SharedEndpointVariable, Required: false), .. services.Select(s => new SettingVariable(s.EndpointVariable, Required: false))];
        var variables = env.Variables.Concat(LambdaHost.EnvironmentVariables).Concat(endpoints)
            .DistinctBy(v => v.Name, StringComparer.Ordinal)
            .ToList();
        return new FunctionContract(variables, awsActions.Distinct().ToList());
    }

    /// <summary>The IAM names of <see cref="AwsActions"/>.</summary>
    public IReadOnlyList<string> IamActions => [.. AwsActions.Select(a => a.IamAction)];
}
