using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace BadgeFlow.Domain.Reads;

/// <summary>The read ID of a read whose sensor chose none. It must be the same every time the same read is sent again
/// (so the warehouse can drop duplicates from retries) and must not reveal the badge: it is computed from the badge
/// HASH, never the badge ID.</summary>
public static class ReadIdentity
{
    /// <summary>32 lowercase hex characters: the first 128 bits of the SHA-256, within the read ID alphabet.</summary>
    public const int DerivedLength = 32;

    /// <summary>SHA-256 over <c>sensorId \n badgeHash \n readAt</c> (readAt as UTC <c>YYYY-MM-DDTHH:MM:SS.fffffffZ</c>,
    /// so the same instant sent with different offsets gives the same ID), first 16 bytes as lowercase hex.</summary>
    public static string Derive(string sensorId, string badgeHash, DateTimeOffset readAt)
    {
        ArgumentNullException.ThrowIfNull(sensorId);
        ArgumentNullException.ThrowIfNull(badgeHash);
        Span<byte> sensor = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(sensorId.Length, 256))];
        Span<byte> badge = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(badgeHash.Length, 256))];
        if (!Encoding.UTF8.TryGetBytes(sensorId, sensor, out var sensorLength)
            || !Encoding.UTF8.TryGetBytes(badgeHash, badge, out var badgeLength))
        {
            throw new ArgumentException("A sensor ID or badge hash is far longer than the read rules allow.");
        }

        Span<byte> id = stackalloc byte[DerivedLength];
        DeriveUtf8(sensor[..sensorLength], badge[..badgeLength], readAt, id);
        return Encoding.ASCII.GetString(id);
    }

    /// <summary>Writes the derived read ID (32 ASCII bytes) for UTF-8 inputs into <paramref name="destination"/>.</summary>
    public static void DeriveUtf8(
        ReadOnlySpan<byte> sensorId, ReadOnlySpan<byte> badgeHash, DateTimeOffset readAt, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, DerivedLength, nameof(destination));
        var length = sensorId.Length + 1 + badgeHash.Length + 1 + Rfc3339.UtcFormatLength;
        byte[]? rented = null;
        Span<byte> input = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            sensorId.CopyTo(input);
            var position = sensorId.Length;
            input[position++] = (byte)'\n';
            badgeHash.CopyTo(input[position..]);
            position += badgeHash.Length;
            input[position++] = (byte)'\n';
            Rfc3339.FormatUtc(readAt, input[position..]);

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(input[..length], digest);
            Convert.TryToHexStringLower(digest[..(DerivedLength / 2)], destination, out _);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
