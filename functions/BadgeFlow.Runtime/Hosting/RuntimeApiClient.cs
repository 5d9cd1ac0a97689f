using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace BadgeFlow.Runtime;

/// <summary>
/// Client of the Lambda Runtime API, version 2018-06-01, as AWS documents it for custom runtimes: <c>next</c>,
/// <c>response</c>, <c>error</c> and <c>init/error</c>. Used by one loop at a time.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>The API version in every path.</summary>
    public const string ApiVersion = "2018-06-01";

    /// <summary>Header carrying the request id.</summary>
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";

    /// <summary>Header carrying the deadline, in Unix milliseconds.</summary>
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";

    /// <summary>Header carrying the invoked function's ARN.</summary>
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";

    /// <summary>Header carrying the X-Ray trace header.</summary>
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";

    /// <summary>Header carrying the mobile client context.</summary>
    public const string ClientContextHeader = "Lambda-Runtime-Client-Context";

    /// <summary>Header carrying the Cognito identity.</summary>
    public const string CognitoIdentityHeader = "Lambda-Runtime-Cognito-Identity";

    /// <summary>Header naming the kind of error on <c>error</c> and <c>init/error</c> calls.</summary>
    public const string FunctionErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private byte[] _payloadBuffer = new byte[64 * 1024];

    /// <summary>Wraps an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the Runtime API
    /// (<c>http://host:port/</c>). Its <see cref="HttpClient.Timeout"/> must be infinite: <c>next</c> long-polls, and
    /// Lambda may freeze the process between invocations.</summary>
    public RuntimeApiClient(HttpClient httpClient)
        : this(httpClient, ownsHttpClient: false)
    {
    }

    private RuntimeApiClient(HttpClient httpClient, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the Runtime API endpoint, http://host:port/.", nameof(httpClient));
        }

        if (httpClient.Timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException(
                "The HttpClient's Timeout must be Timeout.InfiniteTimeSpan: the Runtime API's next call long-polls until an invocation arrives.",
                nameof(httpClient));
        }

        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
    }

    /// <summary>The Runtime API endpoint.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Creates a client for <paramref name="runtimeApiAddress"/>, the <c>host:port</c> Lambda puts in
    /// <c>AWS_LAMBDA_RUNTIME_API</c>, over one <see cref="SocketsHttpHandler"/> with no timeout.</summary>
    public static RuntimeApiClient Create(string runtimeApiAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApiAddress);
        var handler = new SocketsHttpHandler
        {
            // One keep-alive connection to a local endpoint; no proxy, no decompression, no cookies.
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        var http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri($"http://{runtimeApiAddress.Trim().TrimEnd('/')}/", UriKind.Absolute),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.ExpectContinue = false;
        return new RuntimeApiClient(http, ownsHttpClient: true);
    }

    /// <summary>GET <c>/runtime/invocation/next</c>: waits (without timeout) for the next invocation.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error status or without a request id.</exception>
    public async Task<RuntimeInvocation> GetNextInvocationAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApiVersion}/runtime/invocation/next");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Without an invocation there is nothing to answer: any refusal of next is fatal (AWS: exit promptly).
            throw await RuntimeApiException.FromResponseAsync("next", response, fatal: true, cancellationToken).ConfigureAwait(false);
        }

        var requestId = Header(response, RequestIdHeader)
            ?? throw new RuntimeApiException($"The Runtime API's next answer ({(int)response.StatusCode}) has no {RequestIdHeader} header.", response.StatusCode, isFatal: true);
        var deadline = long.TryParse(Header(response, DeadlineHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var deadlineMs)
            ? DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs)
            : throw new RuntimeApiException($"The Runtime API's next answer ({(int)response.StatusCode}) has no valid {DeadlineHeader} header.", response.StatusCode, isFatal: true);

        var length = await ReadPayloadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        return new RuntimeInvocation(
            requestId,
            deadline,
            Header(response, FunctionArnHeader) ?? string.Empty,
            Header(response, TraceIdHeader),
            Header(response, ClientContextHeader),
            Header(response, CognitoIdentityHeader),
            _payloadBuffer.AsMemory(0, length));
    }

    /// <summary>POST <c>/runtime/invocation/{id}/response</c> with the handler's JSON response.</summary>
    public async Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        using var content = new ReadOnlyMemoryContent(utf8Json);
        content.Headers.ContentType = JsonMediaType;
        await PostAsync($"{ApiVersion}/runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, "response", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST <c>/runtime/invocation/{id}/error</c>: the invocation failed.</summary>
    public async Task SendErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentNullException.ThrowIfNull(error);
        using var content = ErrorContent(error);
        await PostAsync($"{ApiVersion}/runtime/invocation/{Uri.EscapeDataString(requestId)}/error", content, "error", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST <c>/runtime/init/error</c>: the function could not initialize (Lambda then ends the environment).</summary>
    public async Task SendInitErrorAsync(RuntimeError error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        using var content = ErrorContent(error);
        await PostAsync($"{ApiVersion}/runtime/init/error", content, "init/error", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    private static ByteArrayContent ErrorContent(RuntimeError error)
    {
        var content = new ByteArrayContent(error.ToJsonBody());
        content.Headers.ContentType = JsonMediaType;
        content.Headers.TryAddWithoutValidation(FunctionErrorTypeHeader, error.FunctionErrorType);
        return content;
    }

    private async Task PostAsync(string path, HttpContent content, string call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // 400/403/413 concern one invocation, which Lambda has already failed; 5xx means the environment is broken.
            throw await RuntimeApiException.FromResponseAsync(call, response, fatal: (int)response.StatusCode >= 500, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> ReadPayloadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // Reuse one buffer across invocations: Firehose batches reach 6 MB, and a fresh array per event would land on
        // the large object heap every time.
        if (content.Headers.ContentLength is { } declared && declared > _payloadBuffer.Length)
        {
            _payloadBuffer = new byte[checked((int)declared)];
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var length = 0;
        while (true)
        {
            if (length == _payloadBuffer.Length)
            {
                Array.Resize(ref _payloadBuffer, _payloadBuffer.Length * 2);
            }

            var read = await stream.ReadAsync(_payloadBuffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>The Runtime API refused a call or answered something unusable.</summary>
public sealed class RuntimeApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="statusCode">The HTTP status the Runtime API answered, if it answered.</param>
    /// <param name="isFatal">Whether the runtime should exit (see <see cref="IsFatal"/>).</param>
    public RuntimeApiException(string message, HttpStatusCode? statusCode, bool isFatal)
        : base(message)
    {
        StatusCode = statusCode;
        IsFatal = isFatal;
    }

    /// <summary>Creates a fatal exception.</summary>
    public RuntimeApiException(string message)
        : this(message, null, isFatal: true)
    {
    }

    /// <summary>Creates a fatal exception with no detail.</summary>
    public RuntimeApiException()
        : this("The Lambda Runtime API call failed.")
    {
    }

    /// <summary>Creates a fatal exception with its cause.</summary>
    public RuntimeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        IsFatal = true;
    }

    /// <summary>The HTTP status the Runtime API answered, when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Whether the environment is unusable and the runtime should exit (AWS: on a 500 "exit promptly"; any
    /// refusal of <c>next</c>). Otherwise only the current invocation is lost.</summary>
    public bool IsFatal { get; }

    internal static async Task<RuntimeApiException> FromResponseAsync(string call, HttpResponseMessage response, bool fatal, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            body = string.Empty;
        }

        if (body.Length > 512)
        {
            body = body[..512];
        }

        return new RuntimeApiException($"The Runtime API answered the {call} call with {(int)response.StatusCode} {response.ReasonPhrase}: {body}", response.StatusCode, fatal);
    }
}
