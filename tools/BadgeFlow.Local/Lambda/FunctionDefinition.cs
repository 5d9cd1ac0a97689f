namespace BadgeFlow.Local.Lambda;

/// <summary>One function of the stack: the command that runs it (for BadgeFlow's functions, <c>dotnet
/// BadgeFlow.X.dll</c>: the same code that is deployed), its environment and how many processes serve it.</summary>
public sealed record FunctionDefinition(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    int Instances,
    TimeSpan Timeout)
{
    /// <summary>A .NET function assembly run with the <c>dotnet</c> host.</summary>
    public static FunctionDefinition ForAssembly(string name, string assemblyPath, IReadOnlyDictionary<string, string> environment, int instances, TimeSpan timeout) =>
        new(name, "dotnet", [assemblyPath], environment, instances, timeout);

    public string WorkingDirectory => Arguments.Count > 0 && File.Exists(Arguments[0]) ? Path.GetDirectoryName(Path.GetFullPath(Arguments[0]))! : System.Environment.CurrentDirectory;
}
