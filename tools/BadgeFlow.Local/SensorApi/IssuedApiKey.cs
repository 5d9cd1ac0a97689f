using System.Security.Cryptography;
using System.Text;

namespace BadgeFlow.Local.SensorApi;

/// <summary>An API key the local sensor API issued for one key group of the campus, as the template has API Gateway
/// create one per group (docs/producer-api.md "Keys"). The id is what the Producer sees (<c>apiKeyId</c>); the value is
/// what a sensor sends (<c>x-api-key</c>).</summary>
public sealed record IssuedApiKey(string Group, string Id, string Value)
{
    /// <summary>One key per group: the value given for it, else 20 random bytes in hex. Ids are <c>local-{group}</c>.</summary>
    public static IReadOnlyList<IssuedApiKey> Issue(IReadOnlyList<string> groups, IReadOnlyDictionary<string, string>? values)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var unknown = values?.Keys.Where(g => !groups.Contains(g, StringComparer.Ordinal)).ToList() ?? [];
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"API keys were given for groups the campus does not have: {string.Join(", ", unknown)} (groups: {string.Join(", ", groups)}).", nameof(values));
        }

        return [.. groups.Select(g => new IssuedApiKey(
            g,
            ("local-" + g) is { Length: > 64 } id ? id[..64] : "local-" + g,
            values is not null && values.TryGetValue(g, out var value) ? value : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))))];
    }

    /// <summary>The Producer's <c>SENSOR_KEY_GROUPS</c> for these keys: ids and groups, never values.</summary>
    public static string KeyGroupsSetting(IEnumerable<IssuedApiKey> keys) =>
        string.Join(',', keys.Select(k => $"{k.Id}={k.Group}"));

    // A record prints every member: keep the value out of logs and exception messages that format a key.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Group = ").Append(Group).Append(", Id = ").Append(Id).Append(", Value = <redacted>");
        return true;
    }
}
