namespace BadgeFlow.Local.Simulator;

/// <summary>How a simulated conference plays. The defaults are a 2-hour, 20,000-attendee day at 15-minute windows.</summary>
public sealed record ConferenceOptions
{
    public int Attendees { get; init; } = 20_000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(120);

    /// <summary>Agenda slots are one reporting window long so every report has one expected crowd.</summary>
    public TimeSpan WindowLength { get; init; } = TimeSpan.FromMinutes(15);

    public int Seed { get; init; } = 2026;

    /// <summary>Chance that a sensor picks up a badge passing or standing in its field (badges are missed in crowds).</summary>
    public double DetectionRate { get; init; } = 0.96;

    /// <summary>Chance that a sensor reads the same badge again a moment later (a second pass of its antenna).</summary>
    public double DuplicateRate { get; init; } = 0.04;

    /// <summary>Mean time between presence reads of a badge that stays in a zone.</summary>
    public TimeSpan PresenceReadInterval { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>Share of reads whose sensor reports no signal strength.</summary>
    public double MissingRssiRate { get; init; } = 0.03;

    /// <summary>Extra reads, as a share of all reads, from sensors missing from the campus registry (staff areas).</summary>
    public double UnmappedSensorRate { get; init; } = 0.001;

    /// <summary>Extra reads, as a share of all reads, that a faulty sensor sends malformed (the API must reject them).</summary>
    public double InvalidReadRate { get; init; }

    /// <summary>
    /// Share of attendees who queue at registration on arrival; the others picked their badge up on an earlier day
    /// (a multi-day conference) and go straight to the agenda.
    /// </summary>
    public double RegistrationShare { get; init; } = 0.4;

    /// <summary>
    /// Staff close a session room's, keynote hall's or dining hall's doors when this share of its rated capacity is in:
    /// the turned-away go to another room with space or to the expo and lounges.
    /// </summary>
    public double DoorCloseShare { get; init; } = 0.95;

    /// <summary>Sensors that read nothing (a dead battery, a pulled cable).</summary>
    public IReadOnlyList<string> DeadSensorIds { get; init; } = [];

    /// <summary>When set, an expo visit lasts this long at most, then the visitor moves on (a quick stroll past the stands).</summary>
    public (TimeSpan Min, TimeSpan Max)? ExpoVisit { get; init; }

    /// <summary>
    /// A crush: everyone leaving a keynote hall of this corridor's venue files into it and is held there (its exit is
    /// blocked) for <see cref="CrushHold"/>.
    /// </summary>
    public string? BlockedCorridorId { get; init; }

    public (TimeSpan Min, TimeSpan Max) CrushHold { get; init; } = (TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(14));

    public void Validate()
    {
        Check(Attendees is >= 1 and <= 1_000_000, $"attendees must be 1..1000000, not {Attendees}");
        Check(Duration > TimeSpan.Zero && Duration <= TimeSpan.FromHours(20), $"the event must last 1 minute to 20 hours, not {Duration}");
        Check(WindowLength >= TimeSpan.FromMinutes(1), $"the window must be at least a minute, not {WindowLength}");
        Check(DetectionRate is > 0 and <= 1, "the detection rate must be in (0, 1]");
        Check(DuplicateRate is >= 0 and < 1, "the duplicate rate must be in [0, 1)");
        Check(PresenceReadInterval >= TimeSpan.FromSeconds(10), "presence reads must be at least 10 s apart on average");
        Check(MissingRssiRate is >= 0 and <= 1, "the missing-rssi rate must be in [0, 1]");
        Check(UnmappedSensorRate is >= 0 and < 0.5, "the unmapped-sensor rate must be in [0, 0.5)");
        Check(InvalidReadRate is >= 0 and < 0.5, "the invalid-read rate must be in [0, 0.5)");
        Check(RegistrationShare is >= 0 and <= 1, "the registration share must be in [0, 1]");
        Check(DoorCloseShare is > 0 and <= 10, "the door-close share must be in (0, 10]");
        Check(ExpoVisit is null || (ExpoVisit.Value.Min > TimeSpan.Zero && ExpoVisit.Value.Min <= ExpoVisit.Value.Max), "an expo visit needs 0 < min <= max");

        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }
    }
}
