using System.Globalization;
using BadgeFlow.Aws;
using BadgeFlow.Aws.Ssm;

namespace BadgeFlow.Aggregator.Staffing;

/// <summary>The number of security staff on duty, or why it could not be read.</summary>
public sealed record StaffOnDutyReading(int? OnDuty, string? Problem);

/// <summary>
/// Reads the staff on duty from an SSM parameter (STAFF_ON_DUTY_PARAMETER) at every run, so security can change it
/// during the event without a deploy. A missing or malformed value is a problem to log, never a failed report.
/// </summary>
public sealed class StaffOnDutyReader
{
    /// <summary>More than any campus's security team; a larger value is a typo, not a roster.</summary>
    public const int MaxOnDuty = 10_000;

    private readonly IParameterStore _parameters;

    public StaffOnDutyReader(IParameterStore parameters, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrWhiteSpace(parameterName);
        _parameters = parameters;
        ParameterName = parameterName;
    }

    public string ParameterName { get; }

    public async Task<StaffOnDutyReading> ReadAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await _parameters.GetSecureStringAsync(ParameterName, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error)
        {
            return new StaffOnDutyReading(null, $"SSM GetParameter failed with {error.ErrorCode}");
        }
        catch (HttpRequestException error)
        {
            return new StaffOnDutyReading(null, $"SSM could not be reached ({error.HttpRequestError})");
        }

        return Parse(text);
    }

    /// <summary>A whole number from 0 to <see cref="MaxOnDuty"/>, surrounding white space allowed.</summary>
    public static StaffOnDutyReading Parse(string? text)
    {
        if (int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var onDuty) && onDuty <= MaxOnDuty)
        {
            return new StaffOnDutyReading(onDuty, null);
        }

        // The value itself is not logged: it is operator input of unknown content.
        return new StaffOnDutyReading(null, $"the value is not a whole number from 0 to {MaxOnDuty}");
    }
}
