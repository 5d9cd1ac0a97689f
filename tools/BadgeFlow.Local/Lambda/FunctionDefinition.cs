namespace BadgeFlow.Local.Lambda;

/// <summary>One function of the stack: the assembly to run (the same code that is deployed), its environment and how
/// many processes serve it.</summary>
public sealed record FunctionDefinition(
    string Name,
    string AssemblyPath,
    IReadOnlyDictionary<string, string> Environment,
    int Instances,
    TimeSpan Timeout,
    int MemorySizeMb = 512);
