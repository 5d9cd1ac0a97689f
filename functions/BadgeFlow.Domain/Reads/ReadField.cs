namespace BadgeFlow.Domain.Reads;

/// <summary>The names a rejection uses for the part of a read that is wrong. They are the JSON property names of a read
/// whatever the body format, so a sensor gets the same vocabulary from every endpoint.</summary>
public static class ReadField
{
    public const string SensorId = "sensorId";
    public const string BadgeId = "badgeId";
    public const string ReadAt = "readAt";
    public const string Rssi = "rssi";
    public const string ReadId = "readId";

    /// <summary>The read as a whole: not a JSON object, wrong number of CSV columns, and so on.</summary>
    public const string Read = "read";
}

/// <summary>Why one field of one read was refused. <see cref="Reason"/> is fixed text that never echoes the value (a badge
/// ID must not travel back in a response or into a log).</summary>
public readonly record struct ReadFieldError(string Field, string Reason);
