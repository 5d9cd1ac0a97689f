using System.Text;

namespace BadgeFlow.Local.Tests;

public sealed class Scratch_WarehouseProbe
{
    [Fact]
    public void Probe()
    {
        var dir = Directory.CreateTempSubdirectory("probe-").FullName;
        using var wh = BadgeFlow.Local.Warehouse.Warehouse.Open(Path.Combine(dir, "w.duckdb"));
        wh.Execute(File.ReadAllText("/work/main/functions/BadgeFlow.Schema/Schema.sql").Split(';')[0], []);
        var sb = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            sb.Append($$"""{"read_id":"r{{i}}","read_at":"2026-11-25 10:00:00.000000","badge_hash":"h{{i}}","sensor_id":"s","zone_id":null,"venue":null,"rssi":-{{i % 100}},"received_at":"2026-11-25 10:00:01.000000","source":"api"}""").Append('\n');
        }

        var n = wh.LoadJsonLines("badge_reads", new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString())));
        var r = wh.Execute("SELECT min(rssi), max(rssi), count(*) FROM badge_reads", []);
        Assert.Fail($"{n} {r.Records[0][0]} {r.Records[0][1]} {r.Records[0][2]}");
    }
}
