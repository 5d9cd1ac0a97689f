using System.Globalization;
using BadgeFlow.Local.Lambda;
using BadgeFlow.Local.RedshiftData;

namespace BadgeFlow.Local.Firehose;

/// <summary>Where a delivery stream puts what survives transformation.</summary>
public interface IDeliveryDestination
{
    /// <summary>Delivers newline-delimited data; returns the rows (lines) delivered.</summary>
    Task<long> DeliverAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}

/// <summary>Invokes a Lambda function by name or ARN (the Transform processor, SNS lambda subscriptions).</summary>
public interface IFunctionInvoker
{
    bool Exists(string nameOrArn);

    Task<InvocationResult> InvokeAsync(string nameOrArn, byte[] payload, TimeSpan? timeout, CancellationToken cancellationToken);
}

/// <summary>Redshift destination: the staged data is COPY'd into the table (JSON 'auto': keys are column names).</summary>
public sealed class WarehouseTableDestination(IStatementEngine engine, string table) : IDeliveryDestination
{
    public Task<long> DeliverAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        engine.LoadJsonLinesAsync(table, data, cancellationToken);
}

/// <summary>S3 destination: one object per delivery under <c>s3/&lt;bucket&gt;/&lt;prefix&gt;yyyy/MM/dd/HH/</c>, named
/// as Firehose names them (<c>stream-version-yyyy-MM-dd-HH-mm-ss-uuid</c>).</summary>
public sealed class FolderDestination(string root, string streamName, TimeProvider time) : IDeliveryDestination
{
    public async Task<long> DeliverAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var folder = Path.Combine(root, now.ToString("yyyy/MM/dd/HH", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var name = $"{streamName}-1-{now.ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture)}-{Guid.NewGuid()}";
        await File.WriteAllBytesAsync(Path.Combine(folder, name), data, cancellationToken).ConfigureAwait(false);
        return JsonLines.Count(data.Span);
    }
}

internal static class JsonLines
{
    /// <summary>Non-empty lines: one read per line in the Producer's records and the agents' CSV.</summary>
    public static long Count(ReadOnlySpan<byte> data)
    {
        long lines = 0;
        var inLine = false;
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                if (inLine)
                {
                    lines++;
                }

                inLine = false;
            }
            else if (b is not ((byte)'\r' or (byte)' ' or (byte)'\t'))
            {
                inLine = true;
            }
        }

        return inLine ? lines + 1 : lines;
    }
}
