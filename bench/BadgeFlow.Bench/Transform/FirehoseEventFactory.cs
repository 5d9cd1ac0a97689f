using System.Globalization;
using System.Text;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Domain.Reads;
using BadgeFlow.Runtime.Events;

namespace BadgeFlow.Bench.Transform;

/// <summary>Builds a full-size Firehose transformation event of realistic records, deterministically (seeded): Producer
/// records packed to just under 5 KB as the Producer packs them, one record in ten from the Kinesis Agent (CSV lines),
/// about 1 % of reads from sensors missing from the campus.</summary>
internal static class FirehoseEventFactory
{
    public static FirehoseTransformationEvent Create(CampusRegistry campus, BadgePseudonymizer pseudonymizer, int targetEventBytes, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var records = new List<FirehoseTransformationRecord>();
        var eventBytes = 200;
        var recordNumber = 0;
        var body = new StringBuilder(5200);
        while (eventBytes < targetEventBytes)
        {
            var agent = recordNumber % 10 == 9;
            body.Clear();
            while (true)
            {
                var line = agent ? AgentLine(campus, random, start) : ApiLine(campus, pseudonymizer, random, start);
                if (body.Length + line.Length + 1 > 5100)
                {
                    break;
                }

                body.Append(line).Append('\n');
            }

            var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(body.ToString()));
            var recordId = string.Create(CultureInfo.InvariantCulture, $"4957267222366551442280524692665695463097248605953{recordNumber:D7}");
            records.Add(new FirehoseTransformationRecord
            {
                RecordId = recordId,
                ApproximateArrivalTimestamp = start.AddSeconds(recordNumber / 100.0).ToUnixTimeMilliseconds(),
                Data = data,
            });
            eventBytes += data.Length + recordId.Length + 80;
            recordNumber++;
        }

        return new FirehoseTransformationEvent
        {
            InvocationId = "5b9d3a4e-6c1f-4f0e-9a55-1f2d3c4b5a69",
            DeliveryStreamArn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/badgeflow-reads",
            Region = "us-east-1",
            Records = records,
        };
    }

    private static string Sensor(CampusRegistry campus, Random random) =>
        random.Next(100) == 0 ? $"unregistered-s{random.Next(20):D2}" : campus.Sensors[random.Next(campus.Sensors.Count)].Id;

    private static string ApiLine(CampusRegistry campus, BadgePseudonymizer pseudonymizer, Random random, DateTimeOffset start)
    {
        var sensor = Sensor(campus, random);
        var read = new SensorRead(
            sensor, $"BADGE-{random.Next(60_000):D6}", start.AddMilliseconds(random.Next(300_000)),
            random.Next(10) == 0 ? null : (short)-random.Next(40, 95), null);
        var p = read.Pseudonymize(pseudonymizer, read.ReadAt.AddMilliseconds(1500 + random.Next(2000)));
        var line = ProducerLine.ToBytes(p);
        return Encoding.UTF8.GetString(line.AsSpan(0, line.Length - 1));
    }

    private static string AgentLine(CampusRegistry campus, Random random, DateTimeOffset start) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Sensor(campus, random)},BADGE-{random.Next(60_000):D6},{Iso(start.AddMilliseconds(random.Next(300_000)))},{-random.Next(40, 95)}");

    private static string Iso(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
