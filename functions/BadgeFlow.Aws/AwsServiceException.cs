namespace BadgeFlow.Aws;

/// <summary>An error answered by an AWS service: its error code (JSON <c>__type</c> or query <c>Error/Code</c>), message,
/// HTTP status and request id.</summary>
public sealed class AwsServiceException : Exception
{
    public AwsServiceException(string service, string errorCode, string message, int statusCode, string? requestId)
        : base($"{service} {errorCode}: {message}")
    {
        Service = service;
        ErrorCode = errorCode;
        ServiceMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    public string Service { get; }
    public string ErrorCode { get; }
    public string ServiceMessage { get; }
    public int StatusCode { get; }
    public string? RequestId { get; }

    /// <summary>How many attempts were made before this error was given up on (1 when it was not retryable).</summary>
    public int Attempts { get; init; } = 1;
}
