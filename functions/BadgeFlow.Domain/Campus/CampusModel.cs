namespace BadgeFlow.Domain.Campus;

/// <summary>A building or hall of the campus (e.g. the Venetian Expo).</summary>
/// <param name="Id">1–64 characters of <c>A-Za-z0-9._:-</c>; the <c>venue</c> column of <c>badge_reads</c>.</param>
/// <param name="Name">What people call it.</param>
public sealed record Venue(string Id, string Name);

/// <summary>What a zone is used for. The simulator places crowds by kind (keynotes, breaks, food, expo); the report
/// can tell a queue at registration from a full session room.</summary>
public enum ZoneKind
{
    Keynote,
    Session,
    Expo,
    Food,
    Registration,
    Lounge,
    Corridor,
}

/// <summary>A part of a venue whose crowd density is reported.</summary>
/// <param name="Id">1–64 characters of <c>A-Za-z0-9._:-</c>; the <c>zone_id</c> column of <c>badge_reads</c>.</param>
/// <param name="Name">What the signs call it.</param>
/// <param name="Venue">The venue it is in.</param>
/// <param name="Floor">The floor as the venue names it (e.g. <c>L2</c>).</param>
/// <param name="Kind">What it is used for.</param>
/// <param name="AreaSquareMetres">Floor area open to attendees, m² (density = occupancy / area).</param>
/// <param name="Capacity">Rated capacity, persons (utilisation = occupancy / capacity).</param>
public sealed record Zone(
    string Id, string Name, Venue Venue, string Floor, ZoneKind Kind, double AreaSquareMetres, int Capacity);

/// <summary>A badge sensor, the zone it watches, and the key group whose API key alone may post its reads.</summary>
/// <param name="KeyGroup">The sensor's <c>keyGroup</c> in the campus file, or its venue's id when it names none (one
/// API key per venue unless the file groups readers otherwise).</param>
public sealed record Sensor(string Id, Zone Zone, string KeyGroup);

/// <summary>Thrown when the campus file is not valid; <see cref="Errors"/> names every wrong entry.</summary>
public sealed class CampusRegistryException : Exception
{
    public CampusRegistryException()
        : this([])
    {
    }

    public CampusRegistryException(string message)
        : this([message])
    {
    }

    public CampusRegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public CampusRegistryException(IReadOnlyList<string> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }

    private static string Describe(IReadOnlyList<string> errors) =>
        errors.Count == 0 ? "The campus registry is not valid."
        : $"The campus registry is not valid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):{Environment.NewLine}"
          + string.Join(Environment.NewLine, errors.Select(e => "- " + e));
}
