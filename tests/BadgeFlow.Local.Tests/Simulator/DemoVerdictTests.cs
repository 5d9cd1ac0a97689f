using BadgeFlow.Domain.Density;
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
    public void Matches_TrulyDensestAmongReportsTopThree_Matches()
    {
        Assert.True(new WindowCheck(Start, AgendaActivity.Lunch, ["food-1", "food-2", "expo"], ["food-2", "food-1", "lounge"]).Matches);
    }

    [Fact]
    public void Matches_ReportRanksAnotherPartOfTheCampus_DoesNotMatch()
    {
        Assert.False(new WindowCheck(Start, AgendaActivity.Keynote, ["keynote", "overflow", "lounge"], ["food-1", "lounge", "overflow", "keynote"]).Matches);
        Assert.False(new WindowCheck(Start, AgendaActivity.Keynote, ["keynote", "overflow", "lounge"], ["overflow", "lounge", "food-1"]).Matches);
        Assert.False(new WindowCheck(Start, AgendaActivity.Keynote, ["keynote"], null).Matches);
    }

    [Fact]
    public void Passed_SilentlyIncompleteFirstReport_FailsWithTheReason()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), new ConferenceOptions { Attendees = 500, Seed = 3 });
        var reported = plan.Crowds.ToDictionary(c => Start + c.Start, Exact);
        var account = new ClosingAccount(10, 10, 0, 0, 10, 10, 0, 0, 0);
        var accepted = new WindowAcceptance(TimeSpan.FromMinutes(15), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start));
        accepted.Accepted([new WireRead { SensorId = "s", BadgeId = "b", ReadAt = "2026-11-25T09:50:00.000Z" }]);
        var completeness = CompletenessAccount.Of(
            plan.Crowds.Select(c => Start + c.Start), TimeSpan.FromMinutes(15), accepted,
            plan.Crowds.Select(c => new SeenRevision(Start + c.Start, 1, false, 0, Start + c.Start + TimeSpan.FromMinutes(22))));

        var judged = DemoVerdict.Judge(account, plan, Start, reported, plan.Crowds.Count, minimumReports: 8, SeverityThresholds.Default);
        var verdict = judged with { Completeness = completeness };

        Assert.True(judged.Passed);
        Assert.False(verdict.Passed);
        Assert.Contains(verdict.Failures(), f => f.StartsWith("the first report of window 09:45 counted 0 reads of 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_OneWindowWithoutReport_FailsAndSaysWhich()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), new ConferenceOptions { Attendees = 500, Seed = 3 });
        var reported = plan.Crowds.Skip(1).ToDictionary(c => Start + c.Start, Exact);
        var account = new ClosingAccount(10, 10, 0, 0, 10, 10, 0, 0, 0);

        var verdict = DemoVerdict.Judge(account, plan, Start, reported, reportsPublished: 7, minimumReports: 8, SeverityThresholds.Default);

        Assert.False(verdict.Passed);
        Assert.Contains("7 reports published, fewer than 8", verdict.Failures());
        Assert.Contains("no report for the window starting 09:45", verdict.Failures());
        Assert.Equal(7, verdict.Accuracy.DensestHits);
    }

    [Fact]
    public void Judge_ReportsExactlyTheTruth_PassesWithZeroErrorLine()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), new ConferenceOptions { Attendees = 500, Seed = 3 });
        var reported = plan.Crowds.ToDictionary(c => Start + c.Start, Exact);
        var account = new ClosingAccount(10, 10, 0, 0, 10, 10, 0, 0, 0);

        var verdict = DemoVerdict.Judge(account, plan, Start, reported, reportsPublished: 8, minimumReports: 8, SeverityThresholds.Default);

        Assert.True(verdict.Passed, string.Join("; ", verdict.Failures()));
        Assert.Equal("accuracy: wMAPE 0.0%, densest 8/8, top5 1.00", verdict.AccuracyLine);
    }

    [Fact]
    public void Judge_EveryEstimateHalfTheTruth_FailsOnWeightedMape()
    {
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), new ConferenceOptions { Attendees = 500, Seed = 3 });
        var reported = plan.Crowds.ToDictionary(
            c => Start + c.Start,
            c => (IReadOnlyList<ReportedZone>)c.Zones.Select(z => new ReportedZone(z.ZoneId, z.Occupancy / 2, false)).ToArray());
        var account = new ClosingAccount(10, 10, 0, 0, 10, 10, 0, 0, 0);

        var verdict = DemoVerdict.Judge(account, plan, Start, reported, reportsPublished: 8, minimumReports: 8, SeverityThresholds.Default);

        // Halving (integer division) errs by ceil(n/2) on each zone: about 50 %, far over the 15 % bound.
        Assert.InRange(verdict.Accuracy.WeightedMape, 0.5, 0.52);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void Compare_CraftedWindow_HandWorkedFigures()
    {
        var campus = TestCampus.Create();
        // SES-1: 250 of capacity 250 on 200 m² (1.25 /m², utilisation 1.0: truly CRITICAL); SES-2: 100 (0.5 /m²);
        // LNG-1: 10 people, under the 20-person floor of wMAPE.
        var truth = new WindowCrowd(0, TimeSpan.Zero, TimeSpan.FromMinutes(15), AgendaActivity.Sessions,
        [
            new ZoneCrowd("SES-1", 250, 260, 1.25, 240, 251),
            new ZoneCrowd("SES-2", 100, 120, 0.5, 95, 110),
            new ZoneCrowd("LNG-1", 10, 12, 10 / 400.0, 9, 11),
        ]);
        ReportedZone[] reported = [new("SES-2", 110, false), new("SES-1", 230, true), new("LNG-1", 50, true)];

        var accuracy = ReportAccuracy.Compare(truth, reported, campus, SeverityThresholds.Default);

        // |230 − 250| + |110 − 100| = 30 over 250 + 100 = 350; SES-1 is second, not first, but in the top three;
        // top 5: all 3 reported zones are among the truth's 3 → 3/5; CRITICAL: SES-1 right, LNG-1 wrong, SES-1 found.
        var summary = new AccuracySummary([accuracy]);
        Assert.Equal(30.0 / 350, summary.WeightedMape, 12);
        Assert.False(accuracy.DensestFirst);
        Assert.True(accuracy.DensestInTopThree);
        Assert.Equal(0.6, accuracy.TopFiveOverlap, 12);
        Assert.Equal(0.5, summary.CriticalPrecision, 12);
        Assert.Equal(1.0, summary.CriticalRecall, 12);
    }

    [Fact]
    public void Compare_FirstZoneWithinTwoPercentAtTheSameLevel_DensestHitButNotStrict()
    {
        var campus = TestCampus.Create();
        // SES-1 … SES-4: 200 m² each. Truly densest SES-1 at 200 people (1.000 /m², Fruin B); SES-2 at 197 (0.985 /m²,
        // 1.5 % less dense, B); SES-3 at 195 (0.975 /m², 2.5 % less, B); SES-4 at 166 (0.830, Fruin A, 17 % less).
        var truth = new WindowCrowd(0, TimeSpan.Zero, TimeSpan.FromMinutes(15), AgendaActivity.Sessions,
        [
            new ZoneCrowd("SES-1", 200, 200, 1.0, 200, 200),
            new ZoneCrowd("SES-2", 197, 197, 0.985, 197, 197),
            new ZoneCrowd("SES-3", 195, 195, 0.975, 195, 195),
            new ZoneCrowd("SES-4", 166, 166, 0.83, 166, 166),
        ]);

        WindowAccuracy FirstIs(string zone) => ReportAccuracy.Compare(truth, [new(zone, 200, false)], campus, SeverityThresholds.Default);

        Assert.True(FirstIs("SES-1").DensestFirst);
        Assert.True(FirstIs("SES-1").DensestFirstStrict);
        Assert.True(FirstIs("SES-2").DensestFirst); // within 2 %, same level: a tie
        Assert.False(FirstIs("SES-2").DensestFirstStrict);
        Assert.False(FirstIs("SES-3").DensestFirst); // 2.5 % less dense
        Assert.False(FirstIs("SES-4").DensestFirst);
    }

    [Fact]
    public void Compare_FirstZoneWithinTwoPercentButAnotherLevel_NotAHit()
    {
        var campus = TestCampus.Create();
        // 0.84 /m² is Fruin B, 0.83 /m² is A (bound inclusive): 1.2 % apart, but another level of service.
        var truth = new WindowCrowd(0, TimeSpan.Zero, TimeSpan.FromMinutes(15), AgendaActivity.Sessions,
        [
            new ZoneCrowd("SES-1", 168, 168, 0.84, 168, 168),
            new ZoneCrowd("SES-2", 166, 166, 0.83, 166, 166),
        ]);

        var accuracy = ReportAccuracy.Compare(truth, [new("SES-2", 170, false), new("SES-1", 160, false)], campus, SeverityThresholds.Default);

        Assert.False(accuracy.DensestFirst);
    }

    private static IReadOnlyList<ReportedZone> Exact(WindowCrowd crowd) =>
        crowd.Zones.Select(z => new ReportedZone(z.ZoneId, z.Occupancy, false)).ToArray();
}
