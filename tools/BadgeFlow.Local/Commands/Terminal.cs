using Spectre.Console;

namespace BadgeFlow.Local.Commands;

/// <summary>
/// Where a command writes: live widgets on a terminal, plain lines when stdout is a pipe or a file (CI), so logs of a
/// run read top to bottom.
/// </summary>
public sealed class Terminal(IAnsiConsole console, bool plain)
{
    public IAnsiConsole Console { get; } = console;

    /// <summary>Live widgets need a terminal that understands ANSI: CI pipes and TERM=dumb get plain lines, as does
    /// <c>--plain</c>.</summary>
    public static Terminal For(IAnsiConsole console, bool plainAsked)
    {
        ArgumentNullException.ThrowIfNull(console);
        return new Terminal(console, plainAsked || System.Console.IsOutputRedirected || !console.Profile.Capabilities.Ansi);
    }

    /// <summary>True when progress bars and live tables can redraw in place.</summary>
    public bool Live => !plain;

    public void Line(string text)
    {
        if (plain)
        {
            System.Console.Out.WriteLine(text);
        }
        else
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>Runs <paramref name="work"/> under a spinner on a terminal, or between two plain lines otherwise.</summary>
    public async Task<T> StatusAsync<T>(string what, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (plain)
        {
            Line(what + "…");
            var result = await work().ConfigureAwait(false);
            Line(what + ": done");
            return result;
        }

        return await Console.Status().StartAsync(what + "…", _ => work()).ConfigureAwait(false);
    }
}
