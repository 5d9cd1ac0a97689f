namespace BadgeFlow.Aws.RedshiftData;

/// <summary>How long a statement may run and how often to ask about it.</summary>
/// <param name="Timeout">Cancel a statement still running after this (STATEMENT_TIMEOUT_SECONDS).</param>
/// <param name="FirstPollDelay">Wait before the first DescribeStatement after the one that follows submission.</param>
/// <param name="MaxPollDelay">The backoff grows by half up to this.</param>
public sealed record StatementRunnerOptions(TimeSpan Timeout, TimeSpan FirstPollDelay, TimeSpan MaxPollDelay)
{
    /// <summary>50 ms growing by half to 1 s: a statement is seen finished at most a third of its time (or 1 s) after it
    /// ends. Doubling from 100 ms to 2 s saw a 0.8 s statement at 1.5 s, adding seconds to every run of a few statements
    /// (docs/demo.md "Replay at scale"), for one DescribeStatement fewer every few seconds.</summary>
    public static StatementRunnerOptions FromTimeout(TimeSpan timeout) =>
        new(timeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
}

/// <summary>A finished statement's rows (every page), its columns and how long Redshift took.</summary>
public sealed record StatementResult(
    string StatementId,
    IReadOnlyList<ColumnMetadata> Columns,
    IReadOnlyList<IReadOnlyList<Field>> Records,
    TimeSpan Duration,
    int Pages);

/// <summary>Redshift ended the statement FAILED or ABORTED; <see cref="RedshiftError"/> is Redshift's own message.</summary>
public sealed class StatementFailedException : Exception
{
    public StatementFailedException(string statementId, StatementStatus status, string? redshiftError)
        : base($"Redshift statement {statementId} {status.ToString().ToUpperInvariant()}: {redshiftError ?? "(Redshift gave no error message)"}")
    {
        StatementId = statementId;
        Status = status;
        RedshiftError = redshiftError;
    }

    public string StatementId { get; }
    public StatementStatus Status { get; }
    public string? RedshiftError { get; }
}

/// <summary>The statement outlived its budget and was cancelled (or the cancel was attempted).</summary>
public sealed class StatementTimeoutException : Exception
{
    public StatementTimeoutException(string statementId, TimeSpan budget, bool cancelled, Exception? cancelError)
        : base($"Redshift statement {statementId} was still running after {budget.TotalSeconds:0.###} s; "
               + (cancelled ? "it was cancelled." : $"cancelling it failed: {cancelError?.Message ?? "Redshift did not cancel it"}."), cancelError)
    {
        StatementId = statementId;
        Budget = budget;
        Cancelled = cancelled;
    }

    public string StatementId { get; }
    public TimeSpan Budget { get; }
    public bool Cancelled { get; }
}

/// <summary>
/// Runs statements through the Redshift Data API, which is asynchronous: submit, poll DescribeStatement with
/// exponential backoff until an end state, then read every result page. A statement gets the shorter of its timeout
/// and the caller's deadline (the Lambda invocation's); one that outlives it is cancelled, so no orphaned query keeps
/// a cluster busy after the function has given up.
/// </summary>
public sealed class StatementRunner
{
    private readonly IRedshiftData _redshift;
    private readonly TimeProvider _time;
    private readonly StatementRunnerOptions _options;

    public StatementRunner(IRedshiftData redshift, TimeProvider time, StatementRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(redshift);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Timeout <= TimeSpan.Zero || options.FirstPollDelay <= TimeSpan.Zero || options.MaxPollDelay < options.FirstPollDelay)
        {
            throw new ArgumentException("The timeout and poll delays must be positive, the maximum delay at least the first.", nameof(options));
        }

        _redshift = redshift;
        _time = time;
        _options = options;
    }

    /// <summary>ExecuteStatement, wait, and read every page of the result.</summary>
    /// <param name="deadline">The latest moment the statement may still run (e.g. the invocation's deadline less what the
    /// caller needs afterwards).</param>
    public async Task<StatementResult> QueryAsync(StatementRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var budgetEnd = BudgetEnd(deadline);
        var id = await _redshift.ExecuteStatementAsync(request, cancellationToken).ConfigureAwait(false);
        var description = await WaitAsync(id, budgetEnd, cancellationToken).ConfigureAwait(false);
        if (!description.HasResultSet)
        {
            return new StatementResult(id, [], [], description.Duration, 0);
        }

        var columns = (IReadOnlyList<ColumnMetadata>)[];
        var records = new List<IReadOnlyList<Field>>();
        var pages = 0;
        string? nextToken = null;
        do
        {
            var page = await _redshift.GetStatementResultAsync(id, nextToken, cancellationToken).ConfigureAwait(false);
            if (pages == 0)
            {
                columns = page.Columns;
            }

            records.AddRange(page.Records);
            pages++;
            nextToken = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (nextToken is not null);

        return new StatementResult(id, columns, records, description.Duration, pages);
    }

    /// <summary>ExecuteStatement of a statement that changes rows (DELETE, INSERT …) and wait for it to finish; the
    /// description's <see cref="StatementDescription.ResultRows"/> is the number of rows it changed.</summary>
    public async Task<StatementDescription> ExecuteNonQueryAsync(StatementRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var budgetEnd = BudgetEnd(deadline);
        var id = await _redshift.ExecuteStatementAsync(request, cancellationToken).ConfigureAwait(false);
        return await WaitAsync(id, budgetEnd, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>BatchExecuteStatement (one transaction) and wait for it to finish.</summary>
    public async Task<StatementDescription> ExecuteBatchAsync(BatchStatementRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var budgetEnd = BudgetEnd(deadline);
        var id = await _redshift.BatchExecuteStatementAsync(request, cancellationToken).ConfigureAwait(false);
        return await WaitAsync(id, budgetEnd, cancellationToken).ConfigureAwait(false);
    }

    private DateTimeOffset BudgetEnd(DateTimeOffset deadline)
    {
        var byTimeout = _time.GetUtcNow() + _options.Timeout;
        return deadline < byTimeout ? deadline : byTimeout;
    }

    private async Task<StatementDescription> WaitAsync(string id, DateTimeOffset budgetEnd, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var delay = _options.FirstPollDelay;
        try
        {
            while (true)
            {
                var description = await _redshift.DescribeStatementAsync(id, cancellationToken).ConfigureAwait(false);
                switch (description.Status)
                {
                    case StatementStatus.Finished:
                        return description;
                    case StatementStatus.Failed or StatementStatus.Aborted:
                        throw new StatementFailedException(id, description.Status, description.Error);
                }

                var remaining = budgetEnd - _time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    var (cancelled, cancelError) = await CancelAsync(id).ConfigureAwait(false);
                    throw new StatementTimeoutException(id, budgetEnd - started, cancelled, cancelError);
                }

                await Task.Delay(delay < remaining ? delay : remaining, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 3 / 2, _options.MaxPollDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up (e.g. the invocation is about to time out): do not leave the query running.
            await CancelAsync(id).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(bool Cancelled, Exception? Error)> CancelAsync(string id)
    {
        try
        {
            // Not the caller's token: that one may be the reason we are cancelling. The transport's own timeout bounds it.
            return (await _redshift.CancelStatementAsync(id, CancellationToken.None).ConfigureAwait(false), null);
        }
        catch (Exception error) when (error is AwsServiceException or HttpRequestException or OperationCanceledException)
        {
            // The statement may have ended between the last poll and the cancel; the caller reports the timeout anyway.
            return (false, error);
        }
    }
}
