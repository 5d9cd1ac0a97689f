using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Domain.Reads;
using BenchmarkDotNet.Attributes;

namespace BadgeFlow.Bench.Producer;

/// <summary>One 500-read <c>application/json</c> request through validation, pseudonymization and packing into
/// Firehose records, as the Producer does it, beside a straightforward baseline (JsonSerializer to objects, a new
/// HMACSHA256 per read, string concatenation). Both produce the same records.</summary>
[MemoryDiagnoser]
public class ProducerPipelineBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 1, 0, TimeSpan.Zero);
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];

    private readonly BadgePseudonymizer _pseudonymizer = new(Key);
    private readonly RecordPacker _packer = new();
    private readonly ReadParseOptions _options = new();
    private byte[] _body = [];

    [Params(500)]
    public int Reads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = Encoding.UTF8.GetBytes(ProducerBenchmarkData.JsonBody(Reads, Now));
        var packed = Pipeline();
        var baseline = Baseline();
        if (packed.Count != baseline.Count || !packed.Zip(baseline).All(p => p.First.AsSpan().SequenceEqual(p.Second)))
        {
            throw new InvalidOperationException("The pipeline and the baseline disagree: the comparison would be meaningless.");
        }

        Console.WriteLine(ProducerBenchmarkData.BillingReport(_pseudonymizer, Now));
    }

    [Benchmark]
    public int Producer() => Pipeline().Count;

    [Benchmark(Baseline = true)]
    public int Straightforward() => Baseline().Count;

    private List<byte[]> Pipeline()
    {
        var batch = SensorReadParser.Parse(_body, ReadBodyFormat.Json, Now, _options);
        var reads = new IndexedRead[batch.Reads.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            var (index, read) = batch.Reads[i];
            reads[i] = new IndexedRead(index, read.Pseudonymize(_pseudonymizer, Now));
        }

        return [.. _packer.Pack(reads).Records.Select(r => r.Data.ToArray())];
    }

    // The baseline: what a first version would do. Same rules, same output bytes.
    private List<byte[]> Baseline()
    {
        var body = JsonSerializer.Deserialize<BaselineBody>(_body, BaselineJson.Options)!;
        var lines = new List<string>();
        foreach (var read in body.Reads!)
        {
            if (read.SensorId is null || !SensorPattern.IsMatch(read.SensorId) || read.BadgeId is null || read.BadgeId.Length is 0 or > 128
                || read.ReadAt is null || !DateTimeOffset.TryParse(read.ReadAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var readAt)
                || readAt < Now.AddHours(-24) || readAt > Now.AddMinutes(5) || read.Rssi is < -127 or > 0)
            {
                continue;
            }

            using var hmac = new HMACSHA256(Key);
            var badgeHash = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(read.BadgeId))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var readId = read.ReadId ?? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
                read.SensorId + "\n" + badgeHash + "\n" + readAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture))))[..32].ToLowerInvariant();
            var line = "{\"readId\":\"" + readId + "\",\"sensorId\":\"" + read.SensorId + "\",\"badgeHash\":\"" + badgeHash
                + "\",\"readAt\":\"" + Utc(readAt) + "\"" + (read.Rssi is { } rssi ? ",\"rssi\":" + rssi.ToString(CultureInfo.InvariantCulture) : "")
                + ",\"receivedAt\":\"" + Utc(Now) + "\"}\n";
            lines.Add(line);
        }

        var records = new List<byte[]>();
        var current = "";
        foreach (var line in lines)
        {
            if (current.Length > 0 && Encoding.UTF8.GetByteCount(current + line) > RecordPacker.DefaultMaxRecordBytes)
            {
                records.Add(Encoding.UTF8.GetBytes(current));
                current = "";
            }

            current += line;
        }

        if (current.Length > 0)
        {
            records.Add(Encoding.UTF8.GetBytes(current));
        }

        return records;
    }

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static readonly Regex SensorPattern = new("^[A-Za-z0-9._:-]{1,64}$", RegexOptions.Compiled);

    private sealed class BaselineBody
    {
        public List<BaselineRead>? Reads { get; set; }
    }

    private sealed class BaselineRead
    {
        public string? SensorId { get; set; }
        public string? BadgeId { get; set; }
        public string? ReadAt { get; set; }
        public int? Rssi { get; set; }
        public string? ReadId { get; set; }
    }

    private static class BaselineJson
    {
        public static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };
    }
}

/// <summary>Requests and the Firehose billing comparison shared by the benchmark.</summary>
public static class ProducerBenchmarkData
{
    /// <summary>A realistic request: sensor IDs like <c>hall-b-door-12</c>, badge IDs like <c>BADGE-004711</c>, reads
    /// over the last minute, most with rssi, a quarter with a sensor-chosen readId.</summary>
    public static string JsonBody(int reads, DateTimeOffset now)
    {
        var items = Enumerable.Range(0, reads).Select(i =>
        {
            var read = new Dictionary<string, object>
            {
                ["sensorId"] = $"hall-{(char)('a' + (i % 4))}-door-{i % 23}",
                ["badgeId"] = $"BADGE-{(i * 7919) % 1_000_000:D6}",
                ["readAt"] = now.AddSeconds(-60).AddMilliseconds(i * 97).ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture),
            };
            if (i % 5 != 0)
            {
                read["rssi"] = -40 - (i % 60);
            }

            if (i % 4 == 0)
            {
                read["readId"] = $"s{i % 23}:{i:D8}";
            }

            return read;
        });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["reads"] = items.ToList() });
    }

    /// <summary>Firehose billed 5 KiB units for 1,000 reads: packed (default 5100-byte records) against one read per record.</summary>
    public static string BillingReport(BadgePseudonymizer pseudonymizer, DateTimeOffset now)
    {
        var batch = SensorReadParser.Parse(Encoding.UTF8.GetBytes(JsonBody(1000, now)), ReadBodyFormat.Json, now, new ReadParseOptions());
        var reads = batch.Reads.Select(r => new IndexedRead(r.Index, r.Read.Pseudonymize(pseudonymizer, now))).ToList();
        var packed = new RecordPacker().Pack(reads);
        var packedUnits = FirehoseBilling.BilledUnits(packed.Records.Select(r => r.Data.Length));
        var singleUnits = FirehoseBilling.BilledUnits(reads.Select(r => ProducerLine.ToBytes(r.Read).Length));
        return $"Firehose billing for 1,000 reads ({packed.Bytes} bytes of lines, {packed.Bytes / (double)reads.Count:0.#} B/read): "
            + $"packed into {packed.Records.Count} records = {packedUnits} billed 5 KiB units; one read per record = {singleUnits} units "
            + $"({singleUnits / (double)packedUnits:0.#}x).";
    }
}
