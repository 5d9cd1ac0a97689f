using System.Runtime.InteropServices;
using BadgeFlow.Local.Commands;

// Ctrl+C (SIGINT) and SIGTERM (CI, process managers) cancel the running command, which then stops every service and
// child process it started before exiting.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

return await CommandLineApp.RunAsync(args, cancellation.Token).ConfigureAwait(false);
