namespace BadgeFlow.Local.Endpoint;

/// <summary>An AWS error answer: <see cref="Code"/> is the JSON <c>__type</c> or the query <c>Error/Code</c>.</summary>
public sealed class AwsErrorException : Exception
{
    public AwsErrorException(string code, string message, int statusCode = 400, IReadOnlyList<KeyValuePair<string, string>>? extraMembers = null)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
        ExtraMembers = extraMembers ?? [];
    }

    public AwsErrorException()
        : this("InternalFailure", "Internal failure", 500)
    {
    }

    public AwsErrorException(string message)
        : this("ValidationException", message)
    {
    }

    public AwsErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "InternalFailure";
        StatusCode = 500;
        ExtraMembers = [];
    }

    public string Code { get; }

    public int StatusCode { get; }

    /// <summary>Members of the error shape besides the message (e.g. Redshift Data's ResourceId, StatementId).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraMembers { get; }

    public bool SenderFault => StatusCode < 500;
}
