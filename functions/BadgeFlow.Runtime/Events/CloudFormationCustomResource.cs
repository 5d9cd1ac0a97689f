using System.Text.Json;
using System.Text.Json.Serialization;

namespace BadgeFlow.Runtime.Events;

/// <summary>
/// A CloudFormation custom resource request, as Lambda receives it. The function answers by PUTting a
/// <see cref="CloudFormationCustomResourceResponse"/> to <see cref="ResponseUrl"/> (a presigned S3 URL).
/// </summary>
public sealed class CloudFormationCustomResourceRequest
{
    /// <summary><c>RequestType</c>: <c>Create</c>, <c>Update</c> or <c>Delete</c>.</summary>
    [JsonPropertyName("RequestType")]
    public string RequestType { get; init; } = string.Empty;

    /// <summary><c>ResponseURL</c>: where to PUT the response.</summary>
    [JsonPropertyName("ResponseURL")]
    public string ResponseUrl { get; init; } = string.Empty;

    /// <summary><c>StackId</c>.</summary>
    [JsonPropertyName("StackId")]
    public string StackId { get; init; } = string.Empty;

    /// <summary><c>RequestId</c>.</summary>
    [JsonPropertyName("RequestId")]
    public string RequestId { get; init; } = string.Empty;

    /// <summary><c>ResourceType</c>, e.g. <c>Custom::WarehouseSchema</c>.</summary>
    [JsonPropertyName("ResourceType")]
    public string? ResourceType { get; init; }

    /// <summary><c>LogicalResourceId</c>.</summary>
    [JsonPropertyName("LogicalResourceId")]
    public string LogicalResourceId { get; init; } = string.Empty;

    /// <summary><c>PhysicalResourceId</c>: present on Update and Delete.</summary>
    [JsonPropertyName("PhysicalResourceId")]
    public string? PhysicalResourceId { get; init; }

    /// <summary><c>ServiceToken</c>: the function's ARN.</summary>
    [JsonPropertyName("ServiceToken")]
    public string? ServiceToken { get; init; }

    /// <summary><c>ResourceProperties</c>: the template's properties (strings, or nested lists/objects).</summary>
    [JsonPropertyName("ResourceProperties")]
    public Dictionary<string, JsonElement>? ResourceProperties { get; init; }

    /// <summary><c>OldResourceProperties</c>: the previous properties, on Update.</summary>
    [JsonPropertyName("OldResourceProperties")]
    public Dictionary<string, JsonElement>? OldResourceProperties { get; init; }

    /// <summary>Members not modelled above, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>The response body a custom resource PUTs to the request's <c>ResponseURL</c>. Unset optional members are
/// omitted.</summary>
public sealed class CloudFormationCustomResourceResponse
{
    /// <summary><c>Status</c>: <see cref="CloudFormationCustomResourceStatus.Success"/> or
    /// <see cref="CloudFormationCustomResourceStatus.Failed"/>.</summary>
    [JsonPropertyName("Status")]
    public string Status { get; init; } = CloudFormationCustomResourceStatus.Success;

    /// <summary><c>Reason</c>: required when <see cref="Status"/> is FAILED; shown in the stack's events.</summary>
    [JsonPropertyName("Reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary><c>PhysicalResourceId</c>.</summary>
    [JsonPropertyName("PhysicalResourceId")]
    public string PhysicalResourceId { get; init; } = string.Empty;

    /// <summary><c>StackId</c>, copied from the request.</summary>
    [JsonPropertyName("StackId")]
    public string StackId { get; init; } = string.Empty;

    /// <summary><c>RequestId</c>, copied from the request.</summary>
    [JsonPropertyName("RequestId")]
    public string RequestId { get; init; } = string.Empty;

    /// <summary><c>LogicalResourceId</c>, copied from the request.</summary>
    [JsonPropertyName("LogicalResourceId")]
    public string LogicalResourceId { get; init; } = string.Empty;

    /// <summary><c>NoEcho</c>: mask <see cref="Data"/> in GetAtt output; omitted when unset.</summary>
    [JsonPropertyName("NoEcho")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? NoEcho { get; init; }

    /// <summary><c>Data</c>: attributes for <c>Fn::GetAtt</c>; omitted when unset.</summary>
    [JsonPropertyName("Data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Data { get; init; }

    /// <summary>A response answering <paramref name="request"/>, with the ids CloudFormation expects copied over.</summary>
    public static CloudFormationCustomResourceResponse For(
        CloudFormationCustomResourceRequest request,
        string status,
        string physicalResourceId,
        string? reason = null,
        Dictionary<string, string>? data = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CloudFormationCustomResourceResponse
        {
            Status = status,
            Reason = reason,
            PhysicalResourceId = physicalResourceId,
            StackId = request.StackId,
            RequestId = request.RequestId,
            LogicalResourceId = request.LogicalResourceId,
            Data = data,
        };
    }
}

/// <summary>The <c>Status</c> values CloudFormation accepts.</summary>
public static class CloudFormationCustomResourceStatus
{
    /// <summary>The resource operation succeeded.</summary>
    public const string Success = "SUCCESS";

    /// <summary>The resource operation failed; give a <c>Reason</c>.</summary>
    public const string Failed = "FAILED";
}

/// <summary>The <c>RequestType</c> values.</summary>
public static class CloudFormationRequestType
{
    /// <summary>Stack creation, or the resource added to a stack.</summary>
    public const string Create = "Create";

    /// <summary>The resource's properties changed.</summary>
    public const string Update = "Update";

    /// <summary>Stack deletion, or the resource removed (also after a failed Create/Update, during rollback).</summary>
    public const string Delete = "Delete";
}
