using System.Collections.Concurrent;
using System.Text;
using BadgeFlow.Local.Firehose;
using BadgeFlow.Local.Lambda;

namespace BadgeFlow.Local.Tests.Support;

/// <summary>A hand-written <see cref="IFunctionInvoker"/>: records every payload and answers with the next scripted
/// result (the last one repeats).</summary>
public sealed class ScriptedFunctions : IFunctionInvoker
{
    private readonly ConcurrentQueue<Func<string, InvocationResult>> _answers = new();
    private Func<string, InvocationResult>? _last;

    public ConcurrentQueue<string> Payloads { get; } = new();

    public ScriptedFunctions Answer(Func<string, InvocationResult> answer)
    {
        _answers.Enqueue(answer);
        return this;
    }

    public static InvocationResult Ok(string payload) => new("req", true, Encoding.UTF8.GetBytes(payload), null, null, TimeSpan.Zero);

    public static InvocationResult Error(string errorType) =>
        new("req", false, null, errorType, $$"""{"errorMessage":"scripted","errorType":"{{errorType}}"}""", TimeSpan.Zero);

    public bool Exists(string nameOrArn) => true;

    public Task<InvocationResult> InvokeAsync(string nameOrArn, byte[] payload, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(payload);
        Payloads.Enqueue(text);
        if (_answers.TryDequeue(out var next))
        {
            _last = next;
        }

        return Task.FromResult((_last ?? throw new InvalidOperationException("No scripted answer."))(text));
    }
}
