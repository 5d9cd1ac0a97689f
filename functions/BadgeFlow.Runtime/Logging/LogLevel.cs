namespace BadgeFlow.Runtime;

/// <summary>Severity of a log line, in increasing order; <c>LOG_LEVEL</c> names the lowest one written.</summary>
public enum LogLevel
{
    /// <summary>Detail for diagnosing a problem; off in production.</summary>
    Debug = 0,

    /// <summary>The normal course of events (the default minimum).</summary>
    Information = 1,

    /// <summary>Something went wrong and was handled (a retry, a rejected record).</summary>
    Warning = 2,

    /// <summary>An invocation or the function failed.</summary>
    Error = 3,
}
