using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Privacy;
using BadgeFlow.Runtime;

namespace BadgeFlow.Transform;

/// <summary>Transform's settings, read once from the environment.</summary>
/// <param name="KeyParameterName"><c>PSEUDONYMIZATION_KEY_PARAMETER</c>: SSM SecureString holding the HMAC key (base64).</param>
/// <param name="CampusFile"><c>CAMPUS_FILE</c>: a campus registry replacing the embedded one, or null.</param>
/// <param name="MetricsNamespace"><c>METRICS_NAMESPACE</c>.</param>
public sealed record TransformSettings(string KeyParameterName, string? CampusFile, string MetricsNamespace)
{
    /// <summary>Reads the settings; throws <see cref="SettingsException"/> naming every missing or malformed variable.</summary>
    public static TransformSettings Read(Func<string, string?> environment)
    {
        var env = new EnvironmentSettings(environment);
        var settings = new TransformSettings(
            env.Required("PSEUDONYMIZATION_KEY_PARAMETER"),
            env.Optional("CAMPUS_FILE"),
            env.Optional("METRICS_NAMESPACE", "BadgeFlow"));
        env.ThrowIfInvalid();
        return settings;
    }
}

/// <summary>Builds the handler at cold start: the campus registry (embedded, or <c>CAMPUS_FILE</c>) and the
/// pseudonymization key from SSM. Kept out of <c>Main</c> so tests run the same start-up with a fake parameter store.</summary>
public static class TransformStartup
{
    public static async Task<TransformHandler> CreateHandlerAsync(
        TransformSettings settings, IParameterStore parameters, JsonLogger log, TextWriter metricsOutput,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(log);

        var campus = CampusRegistry.Load(settings.CampusFile is null
            ? ReadEmbeddedCampus()
            : await File.ReadAllBytesAsync(settings.CampusFile, cancellationToken).ConfigureAwait(false));

        var key = await parameters.GetSecureStringAsync(settings.KeyParameterName, cancellationToken).ConfigureAwait(false);
        BadgePseudonymizer pseudonymizer;
        try
        {
            pseudonymizer = BadgePseudonymizer.FromBase64Key(key);
        }
        catch (ArgumentException e)
        {
            // Name the parameter, never the value.
            throw new InvalidOperationException(
                $"The SSM parameter {settings.KeyParameterName} does not hold a usable pseudonymization key: {e.Message}", e);
        }

        log.Information(
            "Campus {Campus} loaded from {CampusSource}: {VenueCount} venues, {ZoneCount} zones, {SensorCount} sensors",
            campus.Name, settings.CampusFile ?? "embedded campus.json", campus.Venues.Count, campus.Zones.Count, campus.Sensors.Count);

        return new TransformHandler(
            new BadgeReadTransformer(campus, pseudonymizer),
            new TransformOptions(settings.MetricsNamespace),
            metricsOutput,
            timeProvider);
    }

    /// <summary>The campus registry compiled into this assembly (functions/campus.json).</summary>
    public static byte[] ReadEmbeddedCampus()
    {
        using var stream = typeof(TransformStartup).Assembly.GetManifestResourceStream("campus.json")
            ?? throw new InvalidOperationException("The embedded campus.json resource is missing from this build.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
