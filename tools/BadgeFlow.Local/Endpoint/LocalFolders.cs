using System.Net;

namespace BadgeFlow.Local.Endpoint;

/// <summary>Keeps what requests name (buckets, prefixes, file endpoints) inside the local stack's working directory,
/// and the endpoint reachable from this machine only (issue 13).</summary>
public static class LocalFolders
{
    /// <summary>True for a general purpose bucket name as S3 accepts it: 3 to 63 lowercase letters, digits, dots and
    /// hyphens, starting and ending with a letter or digit, no "..", not an IPv4 address, none of the reserved prefixes
    /// and suffixes.</summary>
    public static bool IsValidBucketName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || !IsLetterOrDigit(name[0]) || !IsLetterOrDigit(name[^1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsLetterOrDigit(c) && c is not '.' and not '-')
            {
                return false;
            }
        }

        return !name.Contains("..", StringComparison.Ordinal)
            && !IPAddress.TryParse(name, out _)
            && !name.StartsWith("xn--", StringComparison.Ordinal)
            && !name.StartsWith("sthree-", StringComparison.Ordinal)
            && !name.EndsWith("-s3alias", StringComparison.Ordinal)
            && !name.EndsWith("--ol-s3", StringComparison.Ordinal);

        static bool IsLetterOrDigit(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
    }

    /// <summary>The full path of <paramref name="path"/> (relative to <paramref name="root"/>, or absolute) when it lies
    /// under <paramref name="root"/>; null when it has a <c>..</c> segment or leads anywhere else.</summary>
    public static string? Confine(string root, string path)
    {
        if (path.Split('/', '\\').Any(segment => segment == ".."))
        {
            return null;
        }

        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(path, fullRoot);
        var withSeparator = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        return full == fullRoot || full.StartsWith(withSeparator, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>True when a Host header names this machine: localhost, 127.0.0.0/8 or [::1], with any port. A browser
    /// page under another name that resolves to 127.0.0.1 (DNS rebinding) sends its own name, and is refused.</summary>
    public static bool IsLoopbackHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var name = host;
        if (name.StartsWith('['))
        {
            var close = name.IndexOf(']', StringComparison.Ordinal);
            name = close < 0 ? name : name[1..close];
        }
        else if (name.LastIndexOf(':') is var colon and > 0)
        {
            name = name[..colon];
        }

        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }
}
