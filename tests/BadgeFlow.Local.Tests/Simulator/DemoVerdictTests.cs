using BadgeFlow.Local.Simulator;

namespace BadgeFlow.Local.Tests.Simulator;

public sealed class DemoVerdictTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 45, 0, TimeSpan.Zero);

    [Fact]
    public void Lost_EveryReadAccountedFor_IsZero()
    {
        // 1000 sent: 3 malformed rejected, 990 loaded, 7 in processing-failed/.
        var account = new ClosingAccount(Sent: 1000, Accepted: 997, Rejected: 3, GaveUp: 0, IntoFirehose: 997, Loaded: 990, KeptAsFailed: 7, Dropped: 0, Buffered: 0);

        Assert.Equal(0, account.Lost);
        Assert.True(account.ProducerConsistent);
    }

    [Fact]
    public void Lost_ReadsGivenUpAndDropped_CountAsLost()
    {
        var account = new ClosingAccount(Sent: 1000, Accepted: 995, Rejected: 3, GaveUp: 2, IntoFirehose: 995, Loaded: 990, KeptAsFailed: 1, Dropped: 4, Buffered: 0);

        Assert.Equal(6, account.Lost);
    }

    [Fact]
    public void Matches_ReportTopIsAmongExpectedTopThree_Matches()
    {
        Assert.True(new WindowCheck(Start, AgendaActivity.Lunch, ["food-1", "food-2", "expo"], ["food-2", "food-1", "lounge"]).Matches);
    }

    [Fact]
    public void Matches_ReportRanksAnotherPartOfTheCampus_DoesNotMatch()
    {
        Assert.False(new WindowCheck(Start, AgendaActivity.Keynote, ["keynote", "overflow", "lounge"], ["food-1", "keynote", "overflow"]).Matches);
        Assert.False(new WindowCheck(Start, AgendaActivity.Keynote, ["keynote", "overflow", "lounge"], ["overflow", "lounge", "food-1"]).Matches);
        Assert.False(new WindowCheck(Start, AgendaActivity.Keynote, ["keynote"], null).Matches);
    }

    [Fact]
    public void Judge_OneWindowWithoutReport_FailsAndSaysWhich()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), new ConferenceOptions { Attendees = 500, Seed = 3 });
        var reported = plan.Crowds.Skip(1).ToDictionary(c => Start + c.Start, c => (IReadOnlyList<string>)c.Densest(3).ToArray());
        var account = new ClosingAccount(10, 10, 0, 0, 10, 10, 0, 0, 0);

        var verdict = DemoVerdict.Judge(account, plan, Start, reported, reportsPublished: 7, minimumReports: 8);

        Assert.False(verdict.Passed);
        Assert.Equal(["7 reports published, fewer than 8", "no report for the window starting 09:45"], verdict.Failures());
    }
}
