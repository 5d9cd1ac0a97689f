namespace BadgeFlow.Local.Tests.Support;

/// <summary>A local stack with only the AWS endpoint (no functions, nothing provisioned) on a free port and a fresh
/// working directory, plus an AWS CLI pointed at it.</summary>
public sealed class EndpointStack : IAsyncLifetime
{
    public const int PageSize = 2;

    public string WorkingDirectory { get; } = Directory.CreateTempSubdirectory("badgeflow-local-").FullName;

    public LocalStack Stack { get; private set; } = null!;

    public AwsCli Cli { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ = AwsCli.Executable;
        Stack = await LocalStack.StartAsync(
            new LocalStackOptions
            {
                WorkingDirectory = WorkingDirectory,
                AwsPort = 0,
                SensorApiPort = 0,
                StartFunctions = false,
                Provision = false,
                RunSchedule = false,
                ResultPageSize = PageSize,
            },
            CancellationToken.None);
        Cli = new AwsCli(Stack.EndpointUrl, WorkingDirectory);
    }

    public async Task DisposeAsync()
    {
        await Stack.DisposeAsync();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
