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
    /// A crush: when the (last) keynote lets out, the exit of this corridor of the keynote hall's venue is blocked. Everyone
    /// leaving the hall files into it and is held until the exit clears, <see cref="CrushHold"/> after the keynote's end
    /// (drawn once: the exit clears for everyone at once), then the corridor drains over <see cref="CrushDrain"/>. Once
    /// it holds <see cref="CrushJamDensity"/> people per m² nobody more gets in: the rest wait in the hall and file out
    /// through the corridor after it clears. Others who would have crossed it go round by another corridor.
    /// </summary>
    public string? BlockedCorridorId { get; init; }

    /// <summary>How long after the keynote's end the blocked exit clears: past the end of the window the keynote lets
    /// out in, so the first report after the crush forms must show it.</summary>
    public (TimeSpan Min, TimeSpan Max) CrushHold { get; init; } = (TimeSpan.FromMinutes(17), TimeSpan.FromMinutes(24));

    /// <summary>Once the exit clears, each held person is out within this time (drawn uniformly).</summary>
    public TimeSpan CrushDrain { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>People per m² at which a blocked corridor is jammed (Fruin F starts above 5.38): no one more fits in.</summary>
    public double CrushJamDensity { get; init; } = 6.0;

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
        Check(CrushHold.Min > TimeSpan.Zero && CrushHold.Min <= CrushHold.Max, "a crush hold needs 0 < min <= max");
        Check(CrushDrain >= TimeSpan.Zero, "the crush drain cannot be negative");
        Check(CrushJamDensity is > 0 and <= 10, "the jam density must be in (0, 10] people per m²");
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
