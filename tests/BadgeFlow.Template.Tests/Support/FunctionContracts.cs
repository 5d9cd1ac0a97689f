using BadgeFlow.Aws;

namespace BadgeFlow.Template.Tests.Support;

/// <summary>The functions' contracts by template logical id (apart from <see cref="SamApplication"/>, which the
/// integration project compiles too without referencing the functions).</summary>
internal static class FunctionContracts
{
    /// <summary>What the function's code declares it reads and calls (its settings record's <c>Contract</c>).</summary>
    public static FunctionContract ContractOf(string functionLogicalId) => SamApplication.ProjectOf(functionLogicalId) switch
    {
        "BadgeFlow.Producer" => global::BadgeFlow.Producer.ProducerSettings.Contract,
        "BadgeFlow.Transform" => global::BadgeFlow.Transform.TransformSettings.Contract,
        "BadgeFlow.Aggregator" => global::BadgeFlow.Aggregator.AggregatorSettings.Contract,
        "BadgeFlow.Schema" => global::BadgeFlow.Schema.SchemaSettings.Contract,
        var project => throw new InvalidOperationException($"{functionLogicalId} ({project}) has no FunctionContract known to the template tests."),
    };
}
