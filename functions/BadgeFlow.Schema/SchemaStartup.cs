using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Schema;

/// <summary>Builds the handler at cold start: the statement runner over the Data API and the CloudFormation responder.
/// <c>Main</c> and the tests compose it the same way.</summary>
public static class SchemaStartup
{
    public static Task<ILambdaHandler<CloudFormationCustomResourceRequest, CloudFormationCustomResourceResponse>> CreateHandlerAsync(
        SchemaSettings settings, IRedshiftData redshift, ICloudFormationResponder responder, JsonLogger log, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var runner = new StatementRunner(redshift, time, StatementRunnerOptions.FromTimeout(settings.StatementTimeout));
        log.Information("Schema function ready: {Statements} DDL statements", WarehouseSchema.Statements.Count);
        return Task.FromResult<ILambdaHandler<CloudFormationCustomResourceRequest, CloudFormationCustomResourceResponse>>(
            new SchemaHandler(settings, runner, responder, time, WarehouseSchema.Statements));
    }
}
