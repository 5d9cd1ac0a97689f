using System.Text;
using BadgeFlow.Domain.Privacy;

namespace BadgeFlow.Domain.Reads;

/// <summary>A badge read as a sensor reported it, already validated (see <see cref="SensorReadParser"/>). It holds the
/// raw badge ID, so it never leaves the function that received it: pseudonymize it before it goes anywhere.</summary>
/// <param name="SensorId">1–64 characters of <c>A-Za-z0-9._:-</c>.</param>
/// <param name="BadgeId">The raw badge ID (1–128 printable characters). Never logged; <see cref="ToString"/> hides it.</param>
/// <param name="ReadAt">When the sensor saw the badge, with the offset the sensor sent.</param>
/// <param name="Rssi">Signal strength in dBm (-127..0), when the sensor reports it.</param>
/// <param name="ReadId">The sensor's idempotency key, when it chose one.</param>
public sealed record SensorRead(string SensorId, string BadgeId, DateTimeOffset ReadAt, short? Rssi, string? ReadId)
{
    /// <summary>Replaces the badge ID with its badge hash and fixes the read ID: the sensor's own, or one derived from
    /// sensor, badge hash and time (<see cref="ReadIdentity.Derive(string, string, DateTimeOffset)"/>).</summary>
    public PseudonymizedRead Pseudonymize(BadgePseudonymizer pseudonymizer, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        var badgeHash = pseudonymizer.Pseudonymize(BadgeId);
        return new PseudonymizedRead(
            ReadId ?? ReadIdentity.Derive(SensorId, badgeHash, ReadAt),
            SensorId,
            badgeHash,
            ReadAt.ToUniversalTime(),
            Rssi,
            receivedAt.ToUniversalTime());
    }

    // The compiler-generated ToString would print the badge ID into any log or exception message that formats a read.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("SensorId = ").Append(SensorId)
            .Append(", BadgeId = <redacted>, ReadAt = ").Append(ReadAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            .Append(", Rssi = ").Append(Rssi)
            .Append(", ReadId = ").Append(ReadId);
        return true;
    }
}

/// <summary>A read as it travels after the Producer: the badge is a badge hash, the read ID is fixed, times are UTC.
/// The fields are those of the Producer's wire record (ARCHITECTURE.md "Wire records").</summary>
/// <param name="ReadId">The sensor's read ID or the derived one; 1–64 characters of <c>A-Za-z0-9._:-</c>.</param>
/// <param name="SensorId">The sensor that saw the badge.</param>
/// <param name="BadgeHash">HMAC-SHA256 of the badge ID, base64url without padding (43 characters).</param>
/// <param name="ReadAt">When the sensor saw the badge, UTC.</param>
/// <param name="Rssi">Signal strength in dBm, when reported.</param>
/// <param name="ReceivedAt">When BadgeFlow received the read, UTC.</param>
public sealed record PseudonymizedRead(
    string ReadId, string SensorId, string BadgeHash, DateTimeOffset ReadAt, short? Rssi, DateTimeOffset ReceivedAt);
