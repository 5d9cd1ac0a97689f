using System.Globalization;

namespace BadgeFlow.Local.Commands;

/// <summary>Thrown for a command line that cannot be run; the message says what to change.</summary>
public sealed class UsageException(string message) : Exception(message)
{
    public UsageException()
        : this("The command line is not valid.")
    {
    }

    public UsageException(string message, Exception innerException)
        : this(message + " " + innerException?.Message)
    {
    }
}

/// <summary>
/// The arguments after the command name: <c>--name value</c>, <c>--name=value</c>, flags and positionals. Every option a
/// command reads is marked as known, so <see cref="ThrowIfUnknown"/> can name a mistyped one instead of ignoring it.
/// </summary>
public sealed class CommandLineArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    public CommandLineArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                _positionals.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _options[arg[2..eq]] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _options[arg[2..]] = args[++i];
            }
            else
            {
                _options[arg[2..]] = null;
            }
        }
    }

    public IReadOnlyList<string> Positionals => _positionals;

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value))
        {
            return false;
        }

        return value is null || bool.Parse(value);
    }

    public string? String(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value))
        {
            return null;
        }

        return value ?? throw new UsageException($"--{name} needs a value.");
    }

    public string String(string name, string defaultValue) => String(name) ?? defaultValue;

    public string RequiredString(string name) => String(name) ?? throw new UsageException($"--{name} is required.");

    public int Int32(string name, int defaultValue, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a whole number from {min} to {max}, not '{text}'.");
    }

    public double Double(string name, double defaultValue, double min, double max)
    {
        var text = String(name);
        if (text is null)
        {
            return defaultValue;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a number from {min} to {max}, not '{text}'.");
    }

    public Uri Url(string name)
    {
        var text = RequiredString(name);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UsageException($"--{name} must be an http(s) URL, not '{text}'.");
    }

    /// <summary>Fails on any option no command read, naming them all.</summary>
    public void ThrowIfUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"Unknown option{(unknown.Length == 1 ? "" : "s")}: {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}
