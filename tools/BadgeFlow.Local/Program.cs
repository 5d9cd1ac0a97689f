using BadgeFlow.Local.Commands;

// Ctrl+C cancels the running command, which then stops every service and child process it started.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await CommandLineApp.RunAsync(args, cancellation.Token).ConfigureAwait(false);
