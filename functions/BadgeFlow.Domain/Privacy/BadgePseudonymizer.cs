using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace BadgeFlow.Domain.Privacy;

/// <summary>Replaces a badge ID with HMAC-SHA256(key, UTF-8 badge ID), base64url without padding (43 characters), as
/// DESIGN.md "Privacy" defines. Keyed so a badge hash cannot be reversed by hashing every plausible badge number.
/// Thread-safe: each thread gets its own keyed HMAC, reused for every badge, which halves the cost of the one-shot
/// HMAC (that sets the key up on each call) on the Transform hot path for agent lines.</summary>
public sealed class BadgePseudonymizer : IDisposable
{
    /// <summary>Length of a badge hash: base64url of 32 bytes without padding.</summary>
    public const int HashLength = 43;

    /// <summary>The smallest key accepted: HMAC-SHA256 keys shorter than the hash add no strength.</summary>
    public const int MinKeyBytes = 32;

    private readonly byte[] _key;
    private readonly ThreadLocal<IncrementalHash> _hmac;

    public BadgePseudonymizer(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException(
                $"The pseudonymization key must be at least {MinKeyBytes} bytes; it is {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
        _hmac = new ThreadLocal<IncrementalHash>(
            () => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key), trackAllValues: true);
    }

    /// <summary>Builds a pseudonymizer from the key as stored in SSM: standard base64 of at least 32 bytes. The
    /// error never contains the key.</summary>
    public static BadgePseudonymizer FromBase64Key(string base64Key)
    {
        ArgumentNullException.ThrowIfNull(base64Key);
        var trimmed = base64Key.AsSpan().Trim();
        var buffer = new byte[(trimmed.Length * 3 / 4) + 3];
        try
        {
            if (!Convert.TryFromBase64Chars(trimmed, buffer, out var written))
            {
                throw new ArgumentException("The pseudonymization key is not valid base64.", nameof(base64Key));
            }

            return new BadgePseudonymizer(buffer.AsSpan(0, written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>The badge hash of <paramref name="badgeId"/>.</summary>
    public string Pseudonymize(string badgeId)
    {
        ArgumentNullException.ThrowIfNull(badgeId);
        var maxBytes = Encoding.UTF8.GetMaxByteCount(badgeId.Length);
        Span<byte> utf8 = maxBytes <= 1024 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(badgeId, utf8);
        Span<byte> hash = stackalloc byte[HashLength];
        PseudonymizeUtf8(utf8[..length], hash);
        return Encoding.ASCII.GetString(hash);
    }

    /// <summary>Writes the 43 ASCII bytes of the badge hash of the UTF-8 badge ID <paramref name="utf8BadgeId"/>
    /// into <paramref name="destination"/>; allocates nothing.</summary>
    public void PseudonymizeUtf8(ReadOnlySpan<byte> utf8BadgeId, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashLength, nameof(destination));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = _hmac.Value!;
        hmac.AppendData(utf8BadgeId);
        hmac.GetHashAndReset(mac);
        Base64Url.EncodeToUtf8(mac, destination);
    }

    /// <summary>Releases the per-thread HMAC state and wipes the key copy.</summary>
    public void Dispose()
    {
        foreach (var hmac in _hmac.Values)
        {
            hmac.Dispose();
        }

        _hmac.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }

    /// <summary>True when <paramref name="utf8"/> has the shape of a badge hash (43 base64url characters). Lets a
    /// consumer refuse a record that would carry something else, such as a raw badge ID, in the badge hash column.</summary>
    public static bool IsBadgeHash(ReadOnlySpan<byte> utf8) =>
        utf8.Length == HashLength && Base64Url.IsValid(utf8, out var decodedLength) && decodedLength == 32;
}
