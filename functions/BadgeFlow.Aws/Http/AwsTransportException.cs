namespace BadgeFlow.Aws.Http;

/// <summary>No answer from the service: the connection failed or an attempt timed out, on every attempt allowed.</summary>
public sealed class AwsTransportException : Exception
{
    public AwsTransportException(string service, string message, int attempts, Exception? innerException)
        : base($"{service}: {message} (after {attempts} attempt(s))", innerException)
    {
        Service = service;
        Attempts = attempts;
    }

    public string Service { get; }

    public int Attempts { get; }
}
