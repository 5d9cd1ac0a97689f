using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/BadgeFlow.Bench -- --filter '*'` runs every benchmark; see README.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
