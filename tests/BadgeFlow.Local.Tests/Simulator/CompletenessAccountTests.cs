using BadgeFlow.Local.Simulator;

namespace BadgeFlow.Local.Tests.Simulator;

public sealed class CompletenessAccountTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static WireRead Read(string readAt) => new() { SensorId = "s1", BadgeId = "B1", ReadAt = readAt };

    private static SeenRevision Seen(int window, int revision, long reads, bool provisional = false, int minutesAfterEnd = 7) =>
        new(Start + (Window * window), revision, provisional, reads, Start + (Window * (window + 1)) + TimeSpan.FromMinutes(minutesAfterEnd));

    /// <summary>Two windows: 10:00 owes 3 reads, 10:15 owes 2 (a third of 10:15 is accepted only after 10:30).</summary>
    private static WindowAcceptance Accepted()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start + TimeSpan.FromMinutes(14));
        var accepted = new WindowAcceptance(Window, clock);
        accepted.Accepted([Read("2026-11-25T10:00:00.000Z"), Read("2026-11-25T10:13:00.000Z"), Read("2026-11-25T10:14:59.999Z")]);
        clock.Advance(TimeSpan.FromMinutes(15)); // 10:29
        accepted.Accepted([Read("2026-11-25T10:15:00.000Z"), Read("2026-11-25T10:28:00.000Z")]);
        clock.Advance(TimeSpan.FromMinutes(1)); // 10:30: the window has ended
        accepted.Accepted([Read("2026-11-25T10:29:30.000Z")]);
        return accepted;
    }

    private static CompletenessAccount Account(params SeenRevision[] revisions) =>
        CompletenessAccount.Of([Start, Start + Window], Window, Accepted(), revisions);

    [Fact]
    public void Accepted_ByReadAtWindowAndClock_SplitsBeforeAndAfterTheEnd()
    {
        var accepted = Accepted();

        Assert.Equal(3, accepted.BeforeEnd(Start));
        Assert.Equal(2, accepted.BeforeEnd(Start + Window));
        Assert.Equal(1, accepted.AfterEnd(Start + Window));
    }

    [Fact]
    public void Line_EveryFirstReportComplete_AsTheIssueSpellsIt()
    {
        // The 10:15 report also counts the late read: more than owed is still complete, and final caps at what was owed.
        var account = Account(Seen(0, 1, 3), Seen(1, 1, 3));

        Assert.Equal("completeness: first 2/2 complete, silent-incomplete 0, corrections 0, final 100.0%", account.Line);
        Assert.True(account.Passed);
        Assert.Equal(TimeSpan.FromMinutes(7), account.Windows[0].FirstReportDelay);
    }

    [Fact]
    public void Line_ProvisionalThenCorrection_CompleteAfterOneCorrection()
    {
        var account = Account(Seen(0, 1, 2, provisional: true), Seen(1, 1, 2), Seen(0, 2, 3, minutesAfterEnd: 22));

        Assert.Equal("completeness: first 1/2 complete, silent-incomplete 0, corrections 1, final 100.0%", account.Line);
        Assert.True(account.Passed);
    }

    [Fact]
    public void Line_FirstReportShortAndNotProvisional_SilentIncompleteFails()
    {
        var account = Account(Seen(0, 1, 2), Seen(1, 1, 2));

        // Final: (2 + 2) of (3 + 2) = 80.0 %.
        Assert.Equal("completeness: first 1/2 complete, silent-incomplete 1, corrections 0, final 80.0%", account.Line);
        Assert.False(account.Passed);
        Assert.Contains(account.Failures(), f => f.Contains("counted 2 reads of 3 accepted before its end without being marked provisional", StringComparison.Ordinal));
    }

    [Fact]
    public void Line_OneReadShortAfterCorrections_NeverPrintsHundredPercent()
    {
        var accepted = new WindowAcceptance(Window, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start));
        accepted.Accepted(Enumerable.Range(0, 2000).Select(i => Read($"2026-11-25T10:{i % 15:00}:{i % 60:00}.000Z")).ToArray());

        var account = CompletenessAccount.Of([Start], Window, accepted, [new SeenRevision(Start, 1, true, 1999, Start + TimeSpan.FromMinutes(22))]);

        Assert.Equal("completeness: first 0/1 complete, silent-incomplete 0, corrections 0, final 99.9%", account.Line);
        Assert.False(account.Passed);
    }

    [Fact]
    public void Corrections_RevisionRepublishedByARetry_CountsOnce_WindowWithoutReportFails()
    {
        var account = Account(Seen(0, 1, 2, provisional: true), Seen(0, 2, 3), Seen(0, 2, 3, minutesAfterEnd: 23));

        Assert.Equal(1, account.Corrections);
        Assert.Null(account.Windows[1].First);
        Assert.False(account.Passed); // 10:15 has no report: its reads are not counted by any revision
        Assert.Equal("completeness: first 0/2 complete, silent-incomplete 0, corrections 1, final 60.0%", account.Line);
    }
}
