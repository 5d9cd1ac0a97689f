using BadgeFlow.Aws.Firehose;
using BadgeFlow.Aws.Http;
using BadgeFlow.Aws.RedshiftData;
using BadgeFlow.Aws.Sns;
using BadgeFlow.Aws.Ssm;
using BadgeFlow.Runtime;

namespace BadgeFlow.Aws.Tests;

public sealed class FunctionContractTests
{
    [Theory]
    // Expected: botocore's targetPrefix + operation name and the IAM Service Authorization Reference, by hand.
    [InlineData("PutRecordBatch", "firehose:PutRecordBatch", "Firehose_20150804.PutRecordBatch")]
    [InlineData("PutRecord", "firehose:PutRecord", "Firehose_20150804.PutRecord")]
    [InlineData("ExecuteStatement", "redshift-data:ExecuteStatement", "RedshiftData.ExecuteStatement")]
    [InlineData("BatchExecuteStatement", "redshift-data:BatchExecuteStatement", "RedshiftData.BatchExecuteStatement")]
    [InlineData("DescribeStatement", "redshift-data:DescribeStatement", "RedshiftData.DescribeStatement")]
    [InlineData("GetStatementResult", "redshift-data:GetStatementResult", "RedshiftData.GetStatementResult")]
    [InlineData("CancelStatement", "redshift-data:CancelStatement", "RedshiftData.CancelStatement")]
    [InlineData("GetParameter", "ssm:GetParameter", "AmazonSSM.GetParameter")]
    public void Actions_Json11Clients_NameTheIamActionAndTheTargetTheyCall(string operation, string iamAction, string target)
    {
        AwsAction[] all =
        [
            FirehoseClient.Actions.PutRecordBatch, FirehoseClient.Actions.PutRecord,
            RedshiftDataClient.Actions.ExecuteStatement, RedshiftDataClient.Actions.BatchExecuteStatement, RedshiftDataClient.Actions.DescribeStatement,
            RedshiftDataClient.Actions.GetStatementResult, RedshiftDataClient.Actions.CancelStatement,
            SsmParameterStore.Actions.GetParameter,
        ];

        var action = Assert.Single(all, a => a.Operation == operation);

        Assert.Equal(iamAction, action.IamAction);
        Assert.Equal(target, action.Target);
    }

    [Fact]
    public void Actions_SnsPublish_IsTheQueryFormsActionAndTheIamAction()
    {
        Assert.Equal("sns:Publish", SnsClient.Actions.Publish.IamAction);
        Assert.StartsWith("Action=Publish&", SnsClient.FormatPublish(new PublishRequest("arn:aws:sns:us-east-1:123456789012:t", "m", null, null, new Dictionary<string, MessageAttributeValue>())), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => SnsClient.Actions.Publish.Target);
    }

    [Fact]
    public void Of_SettingsReader_ListsWhatItReadsThenTheHostsAndTheEndpointOverridesOfTheServicesCalled()
    {
        var contract = FunctionContract.Of(
            env => (env.Required("STREAM"), env.Int32("SIZE", 5), env.Optional("FILE")),
            FirehoseClient.Actions.PutRecordBatch, SsmParameterStore.Actions.GetParameter, FirehoseClient.Actions.PutRecordBatch);

        Assert.Equal(
            [
                new SettingVariable("STREAM", true), new SettingVariable("SIZE", false), new SettingVariable("FILE", false),
                new SettingVariable("LOG_LEVEL", false), new SettingVariable("AWS_ENDPOINT_URL", false),
                new SettingVariable("AWS_ENDPOINT_URL_FIREHOSE", false), new SettingVariable("AWS_ENDPOINT_URL_SSM", false),
            ],
            contract.EnvironmentVariables);
        Assert.Equal(["firehose:PutRecordBatch", "ssm:GetParameter"], contract.IamActions);
    }

    [Fact]
    public void Of_ReaderThatThrowsForMissingVariables_StillListsEveryVariableRead()
    {
        var contract = FunctionContract.Of(env => env.Build(e => (e.Required("A"), e.Required("B"))));

        Assert.Equal([new SettingVariable("A", true), new SettingVariable("B", true), new SettingVariable("LOG_LEVEL", false)], contract.EnvironmentVariables);
        Assert.Empty(contract.AwsActions);
    }
}
