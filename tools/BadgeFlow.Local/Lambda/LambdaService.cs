using System.Text;
using BadgeFlow.Local.Firehose;
using Microsoft.Extensions.Logging;

namespace BadgeFlow.Local.Lambda;

/// <summary>The Lambda service of the local stack: the functions by name, each behind its own Runtime API servers.
/// <see cref="InvokeAsync"/> is what Lambda's synchronous Invoke does: the payload goes to the function's next
/// <c>/invocation/next</c>, the answer comes back from <c>/response</c> or <c>/error</c>.</summary>
public sealed class LambdaService : IFunctionInvoker, IAsyncDisposable
{
    private readonly Dictionary<string, LambdaFunction> _functions = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _region;
    private readonly string _accountId;

    public LambdaService(string region, string accountId)
    {
        _region = region;
        _accountId = accountId;
    }

    public IReadOnlyCollection<string> FunctionNames => _functions.Keys;

    public string ArnOf(string functionName) => $"arn:aws:lambda:{_region}:{_accountId}:function:{functionName}";

    public async Task StartAsync(IEnumerable<FunctionDefinition> definitions, string logDirectory, bool echo, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(logDirectory);
        foreach (var definition in definitions)
        {
            var function = new LambdaFunction(definition, ArnOf(definition.Name));
            _functions[definition.Name] = function;
            await function.StartAsync(logDirectory, echo, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
    }

    public bool Exists(string nameOrArn) => TryResolve(nameOrArn, out _);

    /// <summary>True when <paramref name="nameOrArn"/> names a running function (a name, or an ARN ending in it).</summary>
    public bool TryResolve(string nameOrArn, out string functionName)
    {
        var name = nameOrArn.Contains(":function:", StringComparison.Ordinal)
            ? nameOrArn[(nameOrArn.IndexOf(":function:", StringComparison.Ordinal) + ":function:".Length)..].Split(':')[0]
            : nameOrArn;
        if (_functions.TryGetValue(name, out var function))
        {
            functionName = function.Definition.Name;
            return true;
        }

        functionName = name;
        return false;
    }

    /// <summary>Invokes a function and waits for its answer; the function's own timeout applies.</summary>
    public Task<InvocationResult> InvokeAsync(string functionName, string payloadJson, CancellationToken cancellationToken) =>
        InvokeAsync(functionName, payloadJson, null, cancellationToken);

    /// <summary>Invokes a function with <paramref name="timeout"/> as its Lambda timeout (null = the function's).</summary>
    public Task<InvocationResult> InvokeAsync(string functionName, string payloadJson, TimeSpan? timeout, CancellationToken cancellationToken) =>
        InvokeAsync(functionName, Encoding.UTF8.GetBytes(payloadJson), timeout, cancellationToken);

    public Task<InvocationResult> InvokeAsync(string functionName, byte[] payload, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (!TryResolve(functionName, out var name))
        {
            throw new ArgumentException($"No function named {functionName}; the local stack runs {string.Join(", ", _functions.Keys)}.", nameof(functionName));
        }

        var function = _functions[name];
        return function.InvokeAsync(payload, timeout ?? function.Definition.Timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var function in _functions.Values)
        {
            await function.DisposeAsync().ConfigureAwait(false);
        }

        _functions.Clear();
    }
}
