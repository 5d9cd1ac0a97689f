using System.Globalization;

namespace BadgeFlow.Runtime;

/// <summary>
/// Reads a function's settings from environment variables once, at start-up, collecting every missing or malformed
/// variable so that one <see cref="SettingsException"/> names them all (a deploy is fixed in one round, not one per
/// variable).
/// </summary>
/// <example>
/// <code>
/// var env = new EnvironmentSettings(Environment.GetEnvironmentVariable);
/// string stream = env.Required("DELIVERY_STREAM_NAME");
/// int maxBytes = env.Int32("MAX_RECORD_BYTES", defaultValue: 5100, min: 512, max: 1_024_000);
/// env.ThrowIfInvalid();
/// </code>
/// </example>
/// <remarks>A variable set to an empty or blank string counts as unset, as SAM writes empty parameters that way.
/// Readers return a usable fallback after recording a problem, so reading continues to the end.</remarks>
public sealed class EnvironmentSettings
{
    private readonly Func<string, string?> _read;
    private readonly List<string> _problems = [];
    private readonly List<SettingVariable> _variables = [];

    /// <summary>Creates a reader over <paramref name="read"/>, usually <see cref="Environment.GetEnvironmentVariable(string)"/>
    /// (tests pass a dictionary lookup).</summary>
    public EnvironmentSettings(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _read = read;
    }

    /// <summary>Every problem found so far, one sentence each, naming the variable.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Every variable read so far, once each, in reading order, and whether it was required: the settings
    /// record's own list of its variables (<c>FunctionContract</c> is built from it).</summary>
    public IReadOnlyList<SettingVariable> Variables => _variables;

    /// <summary>Whether no problem was found so far.</summary>
    public bool IsValid => _problems.Count == 0;

    /// <summary>A variable that must be set; records a problem (and returns "") when it is not.</summary>
    public string Required(string name)
    {
        var value = Read(name, required: true);
        if (value is null)
        {
            AddProblem($"{name} is required but not set.");
            return string.Empty;
        }

        return value;
    }

    /// <summary>A variable that may be unset (<see langword="null"/>).</summary>
    public string? Optional(string name) => Read(name);

    /// <summary>A variable with a default.</summary>
    public string Optional(string name, string defaultValue) => Read(name) ?? defaultValue;

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>], <paramref name="defaultValue"/> when unset.</summary>
    public int Int32(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = Read(name);
        if (value is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            AddProblem($"{name} must be a whole number between {min} and {max}, but is '{value}'.");
            return defaultValue;
        }

        if (parsed < min || parsed > max)
        {
            AddProblem($"{name} must be between {min} and {max}, but is {parsed}.");
            return defaultValue;
        }

        return parsed;
    }

    /// <summary>A number within [<paramref name="min"/>, <paramref name="max"/>] (invariant culture, '.' as decimal
    /// separator), <paramref name="defaultValue"/> when unset.</summary>
    public double Double(string name, double defaultValue, double min = double.MinValue, double max = double.MaxValue)
    {
        var value = Read(name);
        if (value is null)
        {
            return defaultValue;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed))
        {
            AddProblem($"{name} must be a number between {Format(min)} and {Format(max)}, but is '{value}'.");
            return defaultValue;
        }

        if (parsed < min || parsed > max)
        {
            AddProblem($"{name} must be between {Format(min)} and {Format(max)}, but is {Format(parsed)}.");
            return defaultValue;
        }

        return parsed;
    }

    /// <summary>One of <paramref name="allowed"/> (compared ignoring case; the allowed spelling is returned),
    /// <paramref name="defaultValue"/> when unset.</summary>
    public string Choice(string name, string defaultValue, params IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var value = Read(name);
        if (value is null)
        {
            return defaultValue;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        AddProblem($"{name} must be one of {string.Join(", ", allowed)}, but is '{value}'.");
        return defaultValue;
    }

    /// <summary>A member of <typeparamref name="TEnum"/> by name (ignoring case; numbers are not accepted),
    /// <paramref name="defaultValue"/> when unset.</summary>
    public TEnum Enum<TEnum>(string name, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        var value = Read(name);
        if (value is null)
        {
            return defaultValue;
        }

        foreach (var candidate in System.Enum.GetNames<TEnum>())
        {
            if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase))
            {
                return System.Enum.Parse<TEnum>(candidate);
            }
        }

        AddProblem($"{name} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}, but is '{value}'.");
        return defaultValue;
    }

    /// <summary>An absolute http(s) URI, or <see langword="null"/> when unset (and not <paramref name="required"/>).</summary>
    public Uri? Uri(string name, bool required = false)
    {
        var value = Read(name, required);
        if (value is null)
        {
            if (required)
            {
                AddProblem($"{name} is required but not set.");
            }

            return null;
        }

        if (!System.Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != System.Uri.UriSchemeHttp && uri.Scheme != System.Uri.UriSchemeHttps))
        {
            AddProblem($"{name} must be an absolute http or https URL, but is '{value}'.");
            return null;
        }

        return uri;
    }

    /// <summary>Records a problem found by the caller's own rule (e.g. "exactly one of A or B").</summary>
    public void AddProblem(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        _problems.Add(problem);
    }

    /// <summary>Throws a <see cref="SettingsException"/> listing every problem, if there is any.</summary>
    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0)
        {
            throw new SettingsException(_problems);
        }
    }

    /// <summary>Reads a settings record with <paramref name="read"/>, then <see cref="ThrowIfInvalid"/>.</summary>
    public T Build<T>(Func<EnvironmentSettings, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var settings = read(this);
        ThrowIfInvalid();
        return settings;
    }

    private string? Read(string name, bool required = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var known = _variables.FindIndex(v => v.Name == name);
        if (known < 0)
        {
            _variables.Add(new SettingVariable(name, required));
        }
        else if (required && !_variables[known].Required)
        {
            _variables[known] = _variables[known] with { Required = true };
        }

        var value = _read(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>An environment variable a function reads: its name, and whether the function refuses to start without it
/// (otherwise it has a default or may be unset).</summary>
public sealed record SettingVariable(string Name, bool Required);

/// <summary>Thrown when environment variables are missing or malformed; <see cref="Exception.Message"/> lists them all.</summary>
public sealed class SettingsException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public SettingsException(IReadOnlyList<string> problems)
        : base(BuildMessage(problems))
    {
        Problems = [.. problems];
    }

    /// <summary>Creates the exception with a single problem.</summary>
    public SettingsException(string message)
        : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with no problem listed (for serializers and tooling).</summary>
    public SettingsException()
        : this("The function's settings are invalid.")
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Every problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string BuildMessage(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count switch
        {
            0 => "The function's settings are invalid.",
            1 => "Invalid settings: " + problems[0],
            _ => $"Invalid settings ({problems.Count} problems): " + string.Join(" ", problems),
        };
    }
}
