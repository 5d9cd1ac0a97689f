using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BadgeFlow.Runtime;

/// <summary>The CloudWatch units BadgeFlow records.</summary>
public enum MetricUnit
{
    /// <summary><c>Count</c>.</summary>
    Count,

    /// <summary><c>Bytes</c>.</summary>
    Bytes,

    /// <summary><c>Milliseconds</c>.</summary>
    Milliseconds,

    /// <summary><c>Seconds</c>.</summary>
    Seconds,

    /// <summary><c>None</c>: a plain number (a ratio, a level).</summary>
    None,
}

/// <summary>
/// Collects metric values and writes them as CloudWatch Embedded Metric Format lines: CloudWatch Logs extracts the
/// metrics from the function's log stream, so publishing costs no API call and no latency.
/// </summary>
/// <remarks>
/// One line per <see cref="Flush"/>: <c>{"_aws":{"Timestamp":ms,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[[…]],
/// "Metrics":[{"Name":…,"Unit":…}]}]},"&lt;dimension&gt;":"…","&lt;metric&gt;":value}</c>. A metric recorded several times
/// before a flush is written as an array of values (CloudWatch then sees each one). Thread-safe.
/// </remarks>
public sealed class EmfMetrics
{
    // CloudWatch EMF limits: 100 metrics per directive and 100 values per metric per line.
    private const int MaxMetricsPerLine = 100;
    private const int MaxValuesPerMetric = 100;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private readonly (string Name, string Value)[] _dimensions;
    private readonly TimeProvider _timeProvider;
    private readonly List<Metric> _metrics = [];
    private readonly List<KeyValuePair<string, string>> _properties = [];

    /// <summary>Creates a collector, e.g. <c>new EmfMetrics("BadgeFlow", ("FunctionName", "Producer"))</c>.</summary>
    /// <param name="metricsNamespace">The CloudWatch namespace (<c>METRICS_NAMESPACE</c>, default <c>BadgeFlow</c>).</param>
    /// <param name="dimensions">One dimension set, written as top-level fields and named in <c>Dimensions</c>.</param>
    public EmfMetrics(string metricsNamespace, params (string Name, string Value)[] dimensions)
        : this(metricsNamespace, TimeProvider.System, dimensions)
    {
    }

    /// <summary>Creates a collector whose <c>_aws.Timestamp</c> comes from <paramref name="timeProvider"/>.</summary>
    public EmfMetrics(string metricsNamespace, TimeProvider timeProvider, params (string Name, string Value)[] dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricsNamespace);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length > 30)
        {
            throw new ArgumentException("CloudWatch allows at most 30 dimensions in a dimension set.", nameof(dimensions));
        }

        foreach (var (name, value) in dimensions)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(dimensions));
            ArgumentNullException.ThrowIfNull(value, nameof(dimensions));
        }

        Namespace = metricsNamespace;
        _timeProvider = timeProvider;
        _dimensions = [.. dimensions];
    }

    /// <summary>The CloudWatch namespace of every metric.</summary>
    public string Namespace { get; }

    /// <summary>Records a count.</summary>
    public void Count(string name, double value) => Record(name, value, MetricUnit.Count);

    /// <summary>Records a size in bytes.</summary>
    public void Bytes(string name, double value) => Record(name, value, MetricUnit.Bytes);

    /// <summary>Records a duration in milliseconds.</summary>
    public void Milliseconds(string name, double value) => Record(name, value, MetricUnit.Milliseconds);

    /// <summary>Records a duration in milliseconds.</summary>
    public void Milliseconds(string name, TimeSpan value) => Record(name, value.TotalMilliseconds, MetricUnit.Milliseconds);

    /// <summary>Records one value of a metric. A metric keeps the unit it was first recorded with until the flush.</summary>
    public void Record(string name, double value, MetricUnit unit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "CloudWatch metric values must be finite numbers.");
        }

        lock (_gate)
        {
            foreach (var metric in _metrics)
            {
                if (metric.Name == name)
                {
                    if (metric.Unit != unit)
                    {
                        throw new InvalidOperationException($"Metric {name} was recorded as {metric.Unit} and now as {unit}.");
                    }

                    metric.Values.Add(value);
                    return;
                }
            }

            _metrics.Add(new Metric(name, unit, [value]));
        }
    }

    /// <summary>Adds a searchable top-level field (not a metric, not a dimension) to the next line, e.g. a request id.
    /// Never a payload or a badge ID.</summary>
    public void SetProperty(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _properties.RemoveAll(p => p.Key == name);
            _properties.Add(new(name, value));
        }
    }

    /// <summary>Writes what was recorded since the last flush (nothing when nothing was) and starts over.</summary>
    public void Flush(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            if (_metrics.Count == 0)
            {
                _properties.Clear();
                return;
            }

            var timestamp = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var buffer = new ArrayBufferWriter<byte>(512);
            using var writer = new Utf8JsonWriter(buffer, WriterOptions);

            // Split into as many lines as CloudWatch's per-line limits require; the usual case is one line.
            var offsets = new int[_metrics.Count];
            for (var first = 0; first < _metrics.Count; first += MaxMetricsPerLine)
            {
                var last = Math.Min(first + MaxMetricsPerLine, _metrics.Count);
                while (true)
                {
                    var any = false;
                    for (var m = first; m < last; m++)
                    {
                        any |= offsets[m] < _metrics[m].Values.Count;
                    }

                    if (!any)
                    {
                        break;
                    }

                    buffer.ResetWrittenCount();
                    writer.Reset(buffer);
                    WriteLine(writer, timestamp, first, last, offsets);
                    writer.Flush();
                    output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n");
                }
            }

            output.Flush();
            _metrics.Clear();
            _properties.Clear();
        }
    }

    private void WriteLine(Utf8JsonWriter writer, long timestamp, int first, int last, int[] offsets)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("_aws");
        writer.WriteNumber("Timestamp", timestamp);
        writer.WriteStartArray("CloudWatchMetrics");
        writer.WriteStartObject();
        writer.WriteString("Namespace", Namespace);
        writer.WriteStartArray("Dimensions");
        writer.WriteStartArray();
        foreach (var (name, _) in _dimensions)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        writer.WriteEndArray();
        writer.WriteStartArray("Metrics");
        for (var m = first; m < last; m++)
        {
            if (offsets[m] >= _metrics[m].Values.Count)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("Name", _metrics[m].Name);
            writer.WriteString("Unit", UnitName(_metrics[m].Unit));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();

        foreach (var (name, value) in _dimensions)
        {
            writer.WriteString(name, value);
        }

        foreach (var property in _properties)
        {
            writer.WriteString(property.Key, property.Value);
        }

        for (var m = first; m < last; m++)
        {
            var values = _metrics[m].Values;
            var start = offsets[m];
            if (start >= values.Count)
            {
                continue;
            }

            var count = Math.Min(MaxValuesPerMetric, values.Count - start);
            offsets[m] = start + count;
            if (count == 1 && values.Count == 1)
            {
                writer.WriteNumber(_metrics[m].Name, values[start]);
                continue;
            }

            writer.WriteStartArray(_metrics[m].Name);
            for (var v = start; v < start + count; v++)
            {
                writer.WriteNumberValue(values[v]);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static string UnitName(MetricUnit unit) => unit switch
    {
        MetricUnit.Count => "Count",
        MetricUnit.Bytes => "Bytes",
        MetricUnit.Milliseconds => "Milliseconds",
        MetricUnit.Seconds => "Seconds",
        _ => "None",
    };

    private sealed record Metric(string Name, MetricUnit Unit, List<double> Values);
}
