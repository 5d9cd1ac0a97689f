namespace BadgeFlow.Local.Commands;

/// <summary>Thrown for a command line that cannot be run; the message says what to change (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message)
{
    public UsageException()
        : this("The command line is not valid.")
    {
    }

    public UsageException(string message, Exception innerException)
        : this(message + " " + innerException?.Message)
    {
    }
}
