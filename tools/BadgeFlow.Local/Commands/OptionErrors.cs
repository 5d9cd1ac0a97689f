using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BadgeFlow.Local.Commands;

/// <summary>
/// Every option of a command line that is out of range, collected so one run names them all (Spectre's
/// <see cref="ValidationResult"/> carries one message: the errors are its lines).
/// </summary>
public sealed class OptionErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void WholeNumber(string option, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"--{option} must be a whole number from {min} to {max}, not '{value}'."));
        }
    }

    public void Number(string option, double value, double min, double max)
    {
        // Written so NaN (which double parsing accepts) fails too.
        if (!(value >= min && value <= max))
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"--{option} must be a number from {min} to {max}, not '{value}'."));
        }
    }

    public void Add(string message) => _errors.Add(message);

    public ValidationResult Result() =>
        _errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join(Environment.NewLine, _errors));
}
