using BadgeFlow.Local.Simulator;
using BadgeFlow.Testing;

namespace BadgeFlow.Local.Tests.Simulator;

public sealed class CrowdTruthTests
{
    [Fact]
    public void Crowds_EveryWindowAndZone_EqualsACountOverTheStaysOneByOne()
    {
        // A small day, counted naively (every stay against every window and instant) beside the one-sweep measure.
        var plan = ConferenceSimulator.Plan(TestCampus.Create(), new ConferenceOptions { Attendees = 300, Seed = 11 });
        var windowMs = (long)plan.Options.WindowLength.TotalMilliseconds;

        Assert.Equal(plan.Agenda.Slots.Count, plan.Crowds.Count);
        foreach (var window in plan.Crowds)
        {
            var start = window.Index * windowMs;
            var end = start + windowMs;
            foreach (var zone in window.Zones)
            {
                var z = plan.Campus.ZoneIndex[zone.ZoneId];
                var here = plan.Stays.Where(s => s.Zone == z && s.FromMilliseconds < end && s.UntilMilliseconds > start).ToArray();
                int At(long t) => here.Count(s => s.FromMilliseconds <= t && t < s.UntilMilliseconds);
                var instants = here.Select(s => s.FromMilliseconds).Where(t => t >= start).Append(start);
                var personMs = here.Sum(s => (double)(Math.Min(end, s.UntilMilliseconds) - Math.Max(start, s.FromMilliseconds)));

                Assert.Equal(At(end - 1), zone.Occupancy);
                Assert.Equal(here.Select(s => s.Attendee).Distinct().Count(), zone.Footfall);
                Assert.Equal(instants.Max(At), zone.PeakOccupancy);
                Assert.Equal(personMs / windowMs, zone.MeanOccupancy, 9);
            }
        }
    }
}
