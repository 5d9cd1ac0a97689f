using BadgeFlow.Aws;
using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Domain;
using BadgeFlow.Domain.Campus;
using BadgeFlow.Domain.Packing;
using BadgeFlow.Runtime;

namespace BadgeFlow.Producer;

/// <summary>The Producer's settings, read once at cold start (ARCHITECTURE.md "Environment variables").</summary>
/// <param name="DeliveryStreamName"><c>DELIVERY_STREAM_NAME</c>: the Firehose stream reads go to.</param>
/// <param name="KeyParameterName"><c>PSEUDONYMIZATION_KEY_PARAMETER</c>: SSM SecureString holding the HMAC key (base64).</param>
/// <param name="SensorKeyGroups"><c>SENSOR_KEY_GROUPS</c>: API key id → key group (<c>keyId=group,…</c>), from the template.</param>
/// <param name="CampusFile"><c>CAMPUS_FILE</c>: a campus registry replacing the embedded one, or null.</param>
public sealed record ProducerSettings(
    string DeliveryStreamName,
    string KeyParameterName,
    int MaxRecordBytes,
    int MaxReadsPerRequest,
    int MaxBodyBytes,
    string MetricsNamespace,
    IReadOnlyDictionary<string, string> SensorKeyGroups,
    string? CampusFile = null)
{
    /// <summary>What the Producer needs from its deployment: the variables <see cref="Read"/> reads, the actions its
    /// clients call (template tests check template.yaml against it).</summary>
    public static FunctionContract Contract => FunctionContract.Of(Read, FirehoseClient.Actions.PutRecordBatch, SsmParameterStore.Actions.GetParameter);

    /// <summary>Reads every variable and throws one <see cref="SettingsException"/> naming all that are wrong.</summary>
    public static ProducerSettings Read(EnvironmentSettings env)
        => (env ?? throw new ArgumentNullException(nameof(env))).Build(env => new ProducerSettings(
            env.Required("DELIVERY_STREAM_NAME"),
            env.Required("PSEUDONYMIZATION_KEY_PARAMETER"),
            env.Int32("MAX_RECORD_BYTES", RecordPacker.DefaultMaxRecordBytes, min: 512, max: AwsQuotas.FirehoseMaxRecordBytes),
            env.Int32("MAX_READS_PER_REQUEST", 1000, min: 1, max: 100_000),
            env.Int32("MAX_BODY_BYTES", 1_048_576, min: 1024, max: AwsQuotas.LambdaMaxSynchronousPayloadBytes),
            env.Optional("METRICS_NAMESPACE", "BadgeFlow"),
            ParseKeyGroups(env, "SENSOR_KEY_GROUPS", env.Required("SENSOR_KEY_GROUPS")),
            env.Optional("CAMPUS_FILE")));

    private static IReadOnlyDictionary<string, string> ParseKeyGroups(EnvironmentSettings env, string name, string text)
    {
        if (text.Length == 0)
        {
            return new Dictionary<string, string>();
        }

        var problems = new List<string>();
        var map = SensorKeyBinding.ParseMap(text, name, problems);
        foreach (var problem in problems)
        {
            env.AddProblem(problem);
        }

        return map ?? new Dictionary<string, string>();
    }
}
