using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Runtime;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Schema;

/// <summary>
/// The <c>Custom::WarehouseSchema</c> resource: on Create and Update it runs Schema.sql (idempotent DDL) through the
/// Data API as one transaction and waits for it; on Delete it succeeds without dropping anything. Whatever happens,
/// including a failure or a statement that would outlive the invocation, it answers CloudFormation's pre-signed URL
/// before the Lambda deadline, so a stack never waits the hour CloudFormation allows a silent custom resource.
/// </summary>
public sealed class SchemaHandler : ILambdaHandler<CloudFormationCustomResourceRequest, CloudFormationCustomResourceResponse>
{
    /// <summary>Kept back from the deadline for the answer to CloudFormation (PUT with retries).</summary>
    public static readonly TimeSpan ResponseReserve = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan MaxAnswerTime = TimeSpan.FromMinutes(1);

    // CloudFormation shows at most 4 KB of the response body; the reason is the part people read.
    private const int MaxReasonLength = 1_000;

    private readonly SchemaSettings _settings;
    private readonly StatementRunner _runner;
    private readonly ICloudFormationResponder _responder;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<string> _statements;

    public SchemaHandler(SchemaSettings settings, StatementRunner runner, ICloudFormationResponder responder, TimeProvider time, IReadOnlyList<string> statements)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(responder);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(statements);
        _settings = settings;
        _runner = runner;
        _responder = responder;
        _time = time;
        _statements = statements;
    }

    public async Task<CloudFormationCustomResourceResponse> HandleAsync(CloudFormationCustomResourceRequest request, LambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var log = context.Logger;
        if (!Uri.TryCreate(request.ResponseUrl, UriKind.Absolute, out var responseUrl))
        {
            // Nothing to answer to: fail the invocation loudly; CloudFormation cannot have sent this.
            throw new ArgumentException("The request has no absolute ResponseURL to answer CloudFormation at.", nameof(request));
        }

        // Keep the physical id stable across updates: a new id would make CloudFormation delete the "old" resource.
        var physicalId = string.IsNullOrEmpty(request.PhysicalResourceId) ? PhysicalId() : request.PhysicalResourceId;
        CloudFormationCustomResourceResponse response;
        try
        {
            response = request.RequestType switch
            {
                CloudFormationRequestType.Create or CloudFormationRequestType.Update =>
                    await ApplyAsync(request, physicalId, context).ConfigureAwait(false),

                // Deleting the stack (or rolling back, or replacing this resource) must not destroy the reads collected so
                // far: dropping the table is an operator's decision, not a side effect of a stack operation.
                CloudFormationRequestType.Delete => Success(request, physicalId, "Schema left in place; badge_reads and its data are kept."),
                var other => Failed(request, physicalId, $"Unsupported RequestType '{other}'."),
            };
        }
        catch (Exception error)
        {
            log.Error(error, "Custom resource {RequestType} of {LogicalResourceId} failed", request.RequestType, request.LogicalResourceId);
            response = Failed(request, physicalId, error switch
            {
                StatementTimeoutException timeout => $"The schema DDL did not finish in time: {timeout.Message}",
                OperationCanceledException => "The invocation ran out of time before the schema DDL finished.",
                _ => error.Message,
            });
        }

        // Answer within a budget that ends before Lambda's deadline (and within a minute: three PUT attempts need far
        // less); the invocation's token may already be cancelled, so it is not used here.
        var answerBudget = context.Deadline - _time.GetUtcNow() - TimeSpan.FromSeconds(1);
        answerBudget = TimeSpan.FromTicks(Math.Clamp(answerBudget.Ticks, TimeSpan.TicksPerMillisecond, MaxAnswerTime.Ticks));
        using var answerTimeout = new CancellationTokenSource(answerBudget, _time);
        await _responder.SendAsync(responseUrl, response, answerTimeout.Token).ConfigureAwait(false);
        log.Information(
            "Answered CloudFormation {Status} for {RequestType} of {LogicalResourceId} ({PhysicalResourceId})",
            response.Status, request.RequestType, request.LogicalResourceId, response.PhysicalResourceId);
        return response;
    }

    private async Task<CloudFormationCustomResourceResponse> ApplyAsync(
        CloudFormationCustomResourceRequest request, string physicalId, LambdaContext context)
    {
        var batch = new BatchStatementRequest(_settings.Target, _statements, StatementName: "badgeflow-schema");
        var description = await _runner.ExecuteBatchAsync(batch, context.Deadline - ResponseReserve, context.CancellationToken).ConfigureAwait(false);
        context.Logger.Information(
            "Schema DDL {StatementId} finished: {Statements} statements in {DurationMilliseconds} ms",
            description.Id, _statements.Count, (long)description.Duration.TotalMilliseconds);
        return Success(request, physicalId, $"Schema applied ({_statements.Count} statements, statement {description.Id}).");
    }

    private string PhysicalId() => $"badgeflow-schema:{_settings.Target.WorkgroupName ?? _settings.Target.ClusterIdentifier}:{_settings.Target.Database}";

    private static CloudFormationCustomResourceResponse Success(CloudFormationCustomResourceRequest request, string physicalId, string reason) =>
        CloudFormationCustomResourceResponse.For(
            request,
            CloudFormationCustomResourceStatus.Success,
            physicalId,
            reason,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["TableName"] = "badge_reads" });

    private static CloudFormationCustomResourceResponse Failed(CloudFormationCustomResourceRequest request, string physicalId, string reason) =>
        CloudFormationCustomResourceResponse.For(
            request,
            CloudFormationCustomResourceStatus.Failed,
            physicalId,
            reason.Length <= MaxReasonLength ? reason : reason[..(MaxReasonLength - 3)] + "...");
}
