using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Lambda;

/// <summary>One function: a queue of invocations served by <see cref="FunctionDefinition.Instances"/> processes.</summary>
internal sealed class LambdaFunction : IAsyncDisposable
{
    private readonly Channel<PendingInvocation> _queue = Channel.CreateUnbounded<PendingInvocation>();
    private readonly List<FunctionInstance> _instances = [];

    public LambdaFunction(FunctionDefinition definition, string arn)
    {
        Definition = definition;
        Arn = arn;
    }

    public FunctionDefinition Definition { get; }

    public string Arn { get; }

    public async Task StartAsync(string logDirectory, bool echo, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        for (var i = 0; i < Definition.Instances; i++)
        {
            var instance = new FunctionInstance(Definition, i, _queue.Reader, FailOneQueued, logDirectory, Arn, echo, loggerFactory);
            _instances.Add(instance);
            await instance.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<InvocationResult> InvokeAsync(byte[] payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload, timeout);
        await _queue.Writer.WriteAsync(invocation, cancellationToken).ConfigureAwait(false);
        try
        {
            return await invocation.Result.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up: make sure no process starts (or keeps) working on it.
            invocation.FailWithMessage("Client.Cancelled", "The caller cancelled the invocation.");
            foreach (var instance in _instances)
            {
                instance.KillIfRunning(invocation);
            }

            throw;
        }
    }

    /// <summary>A process died before taking any invocation (init failed): Lambda fails the invocation that caused the
    /// cold start, so one waiting caller gets the init error instead of waiting forever.</summary>
    private void FailOneQueued(string message)
    {
        while (_queue.Reader.TryRead(out var waiting))
        {
            if (waiting.FailWithMessage("Runtime.InitError", message))
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.BeginStopAsync().ConfigureAwait(false);
        }

        _queue.Writer.TryComplete();
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
        }

        while (_queue.Reader.TryRead(out var waiting))
        {
            waiting.FailWithMessage("Runtime.ExitError", "The local stack is shutting down.");
        }
    }
}
