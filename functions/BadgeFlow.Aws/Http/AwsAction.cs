namespace BadgeFlow.Aws.Http;

/// <summary>One operation of an AWS service: the name its wire protocol carries and the IAM action that allows it. The
/// clients send through these (the transport targets <see cref="Target"/>, the query form names <see cref="Operation"/>),
/// so the actions a function declares in its <see cref="FunctionContract"/> are the names its calls go out with.</summary>
public sealed record AwsAction(AwsService Service, string Operation)
{
    /// <summary>The IAM action, e.g. <c>firehose:PutRecordBatch</c>.</summary>
    public string IamAction => Service.SigningName + ":" + Operation;

    /// <summary>The JSON 1.1 <c>X-Amz-Target</c>, e.g. <c>Firehose_20150804.PutRecordBatch</c>.</summary>
    public string Target => Service.TargetPrefix is { } prefix
        ? prefix + "." + Operation
        : throw new InvalidOperationException($"{Service.Name} speaks the {Service.Protocol} protocol, which has no X-Amz-Target.");

    public override string ToString() => IamAction;
}
