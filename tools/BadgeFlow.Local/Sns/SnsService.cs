using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BadgeFlow.Local.Endpoint;
using BadgeFlow.Local.Firehose;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace BadgeFlow.Local.Sns;

/// <summary>Amazon SNS (query protocol, XML answers): topics, subscriptions and Publish, delivering to subscribers that
/// append to a file (<c>file</c>), POST the notification envelope (<c>http</c>/<c>https</c>), print
/// (<c>email</c>/<c>email-json</c>/<c>sms</c>) or invoke a local function (<c>lambda</c>).</summary>
public sealed partial class SnsService : IQueryProtocolService, IAsyncDisposable
{
    private const string Namespace = "http://sns.amazonaws.com/doc/2010-03-31/";
    private const int MaxMessageBytes = 262_144;

    private static readonly HashSet<string> Actions =
        ["CreateTopic", "ListTopics", "DeleteTopic", "GetTopicAttributes", "Subscribe", "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic", "Publish"];

    private readonly ConcurrentDictionary<string, byte> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SnsSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lock> _fileLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _deliveries = new();
    private readonly Broadcast<PublishedMessage> _published = new();
    private readonly SnsEnvironment _environment;
    private readonly HttpClient _http;
    private readonly IFunctionInvoker? _functions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _deliveryRetry;

    public SnsService(SnsEnvironment environment, HttpClient http, IFunctionInvoker? functions, TimeProvider time, ILogger<SnsService> logger)
    {
        _environment = environment;
        _http = http;
        _functions = functions;
        _time = time;
        _logger = logger;

        // SNS's default delivery policy retries an unreachable endpoint; three tries (1 s, then 2 s apart) keep the
        // local stack responsive.
        _deliveryRetry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Linear,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(),
            })
            .Build();
    }

    public string Version => "2010-03-31";

    public string XmlNamespace => Namespace;

    /// <summary>Every accepted Publish, as it happens.</summary>
    public IObservable<PublishedMessage> Published => _published;

    public bool Handles(string action) => Actions.Contains(action);

    public Task<string> HandleAsync(string action, IReadOnlyDictionary<string, string> parameters, string requestId, CancellationToken cancellationToken) =>
        Task.FromResult(action switch
        {
            "CreateTopic" => Respond(action, $"<TopicArn>{Escape(CreateTopic(Required(parameters, "Name")))}</TopicArn>", requestId),
            "ListTopics" => Respond(action, "<Topics>" + string.Concat(_topics.Keys.Order(StringComparer.Ordinal).Select(t => $"<member><TopicArn>{Escape(t)}</TopicArn></member>")) + "</Topics>", requestId),
            "DeleteTopic" => DeleteTopic(Required(parameters, "TopicArn"), requestId),
            "GetTopicAttributes" => GetTopicAttributes(Required(parameters, "TopicArn"), requestId),
            "Subscribe" => Respond(action, $"<SubscriptionArn>{Escape(Subscribe(Required(parameters, "TopicArn"), Required(parameters, "Protocol"), parameters.GetValueOrDefault("Endpoint")).SubscriptionArn)}</SubscriptionArn>", requestId),
            "Unsubscribe" => Unsubscribe(Required(parameters, "SubscriptionArn"), requestId),
            "ListSubscriptions" => Respond(action, SubscriptionsXml(_subscriptions.Values), requestId),
            "ListSubscriptionsByTopic" => Respond(action, SubscriptionsXml(_subscriptions.Values.Where(s => s.TopicArn == ExistingTopic(Required(parameters, "TopicArn")))), requestId),
            "Publish" => Respond(action, $"<MessageId>{Publish(parameters).MessageId}</MessageId>", requestId),
            _ => throw new AwsErrorException("InvalidAction", $"The action {action} is not valid for this endpoint."),
        });

    /// <summary>Creates a topic (idempotent, as SNS); returns its ARN.</summary>
    public string CreateTopic(string name)
    {
        if (!TopicName().IsMatch(name))
        {
            throw new AwsErrorException("InvalidParameter", "Invalid parameter: Topic Name");
        }

        var arn = $"arn:aws:sns:{_environment.Region}:{_environment.AccountId}:{name}";
        _topics.TryAdd(arn, 0);
        return arn;
    }

    public SnsSubscription Subscribe(string topicArn, string protocol, string? endpoint)
    {
        ExistingTopic(topicArn);
        protocol = protocol.ToLowerInvariant();
        if (protocol is not ("file" or "http" or "https" or "email" or "email-json" or "sms" or "lambda"))
        {
            throw new AwsErrorException("InvalidParameter", $"Invalid parameter: Amazon SNS does not support this protocol string: {protocol}");
        }

        if (string.IsNullOrEmpty(endpoint))
        {
            throw new AwsErrorException("InvalidParameter", "Invalid parameter: Endpoint");
        }

        if (protocol is "http" or "https" && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme == protocol))
        {
            throw new AwsErrorException("InvalidParameter", $"Invalid parameter: Endpoint must be an {protocol} URL");
        }

        if (protocol == "lambda" && (_functions is null || !_functions.Exists(endpoint)))
        {
            throw new AwsErrorException("InvalidParameter", $"Invalid parameter: Endpoint {endpoint} is not a function of the local stack");
        }

        if (protocol == "file")
        {
            // Local file endpoints are files of the working directory, never elsewhere on the machine.
            endpoint = LocalFolders.Confine(_environment.WorkingDirectory, endpoint)
                ?? throw new AwsErrorException("InvalidParameter", "Invalid parameter: Endpoint must be a path inside the local stack's working directory");
        }

        // Same topic, protocol and endpoint answer the existing subscription, as SNS does.
        var existing = _subscriptions.Values.FirstOrDefault(s => s.TopicArn == topicArn && s.Protocol == protocol && s.Endpoint == endpoint);
        if (existing is not null)
        {
            return existing;
        }

        // Local endpoints are trusted: subscriptions are confirmed at once (no SubscriptionConfirmation round trip).
        var subscription = new SnsSubscription($"{topicArn}:{Guid.NewGuid()}", topicArn, protocol, endpoint, _environment.AccountId);
        _subscriptions[subscription.SubscriptionArn] = subscription;
        return subscription;
    }

    /// <summary>Publishes (the Publish action's semantics); returns what subscribers were sent.</summary>
    public PublishedMessage Publish(IReadOnlyDictionary<string, string> parameters)
    {
        var topicArn = parameters.GetValueOrDefault("TopicArn") ?? parameters.GetValueOrDefault("TargetArn");
        if (topicArn is null)
        {
            throw new AwsErrorException("InvalidParameter", parameters.ContainsKey("PhoneNumber")
                ? "Invalid parameter: PhoneNumber (direct SMS is not available locally; publish to a topic)"
                : "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
        }

        ExistingTopic(topicArn);
        var message = parameters.GetValueOrDefault("Message");
        if (string.IsNullOrEmpty(message))
        {
            throw new AwsErrorException("InvalidParameter", "Invalid parameter: Empty message");
        }

        var subject = parameters.GetValueOrDefault("Subject");
        if (subject is not null && (subject.Length == 0 || subject.Length >= 100 || subject.Any(char.IsControl)))
        {
            throw new AwsErrorException("InvalidParameter", "Invalid parameter: Subject");
        }

        var structure = parameters.GetValueOrDefault("MessageStructure");
        if (structure is not null && structure != "json")
        {
            throw new AwsErrorException("InvalidParameter", "Invalid parameter: MessageStructure");
        }

        if (structure == "json")
        {
            ValidateJsonStructure(message);
        }

        var attributes = ParseAttributes(parameters);
        var size = Encoding.UTF8.GetByteCount(message) + attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value.DataType) + Encoding.UTF8.GetByteCount(a.Value.Value));
        if (size > MaxMessageBytes)
        {
            throw new AwsErrorException("InvalidParameter", "Invalid parameter: Message too long");
        }

        var published = new PublishedMessage(topicArn, Guid.NewGuid().ToString(), subject, message, structure, attributes, _time.GetUtcNow());
        foreach (var subscription in _subscriptions.Values.Where(s => s.TopicArn == topicArn))
        {
            Deliver(published, subscription);
        }

        LogPublished(_logger, topicArn, published.MessageId, subject ?? string.Empty);
        _published.Publish(published);
        return published;
    }

    /// <summary>Waits for background (http/lambda) deliveries started so far.</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => Task.WhenAll(_deliveries.Keys).WaitAsync(cancellationToken);

    private void Deliver(PublishedMessage message, SnsSubscription subscription)
    {
        switch (subscription.Protocol)
        {
            case "file":
                // A file subscriber is a machine subscriber: it gets the envelope https would, one per line.
                var line = Envelope(message, subscription, message.MessageFor("https"));
                var gate = _fileLocks.GetOrAdd(subscription.Endpoint, _ => new Lock());
                lock (gate)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(subscription.Endpoint)!);
                    File.AppendAllText(subscription.Endpoint, line + "\n");
                }

                break;
            case "email" or "sms":
                Print(subscription, message.Subject, message.MessageFor(subscription.Protocol));
                break;
            case "email-json":
                Print(subscription, message.Subject, Envelope(message, subscription, message.MessageFor("email-json")));
                break;
            case "http" or "https":
                Track(PostAsync(message, subscription));
                break;
            case "lambda":
                Track(InvokeAsync(message, subscription));
                break;
        }
    }

    private void Print(SnsSubscription subscription, string? subject, string text)
    {
        var console = _environment.Console;
        lock (console)
        {
            console.WriteLine($"── SNS {subscription.Protocol} to {subscription.Endpoint} ──");
            if (subject is not null && subscription.Protocol == "email")
            {
                console.WriteLine($"Subject: {subject}");
            }

            console.WriteLine(text);
        }
    }

    private void Track(Task delivery)
    {
        _deliveries.TryAdd(delivery, 0);
        _ = delivery.ContinueWith(t => _deliveries.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task PostAsync(PublishedMessage message, SnsSubscription subscription)
    {
        var body = Envelope(message, subscription, message.MessageFor(subscription.Protocol));
        var attempt = 0;
        try
        {
            await _deliveryRetry.ExecuteAsync(
                async token =>
                {
                    attempt++;
                    using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Endpoint)
                    {
                        Content = new StringContent(body, Encoding.UTF8, "text/plain"),
                    };
                    request.Headers.Add("x-amz-sns-message-type", "Notification");
                    request.Headers.Add("x-amz-sns-message-id", message.MessageId);
                    request.Headers.Add("x-amz-sns-topic-arn", message.TopicArn);
                    request.Headers.Add("x-amz-sns-subscription-arn", subscription.SubscriptionArn);
                    HttpResponseMessage response;
                    try
                    {
                        response = await _http.SendAsync(request, token).ConfigureAwait(false);
                    }
                    catch (HttpRequestException ex)
                    {
                        LogDeliveryFailed(_logger, subscription.Endpoint, attempt, ex.Message);
                        throw;
                    }

                    using var answered = response;
                    if (!response.IsSuccessStatusCode)
                    {
                        LogDeliveryFailed(_logger, subscription.Endpoint, attempt, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                        throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
                    }
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Every attempt failed, each one logged above; SNS gives the message up for this subscription then.
        }
    }

    private async Task InvokeAsync(PublishedMessage message, SnsSubscription subscription)
    {
        var record = new SnsLambdaRecord("aws:sns", "1.0", subscription.SubscriptionArn, new SnsLambdaMessage(
            "Notification", message.MessageId, message.TopicArn, message.Subject, message.MessageFor("lambda"), Timestamp(message.PublishedAt),
            "1", "EXAMPLE", SigningCertUrl, UnsubscribeUrl(subscription), NotificationAttributes(message) ?? new Dictionary<string, SnsNotificationAttribute>()));
        var payload = JsonSerializer.SerializeToUtf8Bytes(new SnsLambdaEvent([record]), SnsJsonContext.Default.SnsLambdaEvent);
        var result = await _functions!.InvokeAsync(subscription.Endpoint, payload, null, CancellationToken.None).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            LogDeliveryFailed(_logger, subscription.Endpoint, 1, result.ErrorType ?? "error");
        }
    }

    private string Envelope(PublishedMessage message, SnsSubscription subscription, string text) =>
        JsonSerializer.Serialize(
            new SnsNotification("Notification", message.MessageId, message.TopicArn, message.Subject, text, Timestamp(message.PublishedAt), "1",
                // Nothing here can sign with SNS's certificate; the field is present so parsers find the shape they expect.
                Convert.ToBase64String(Encoding.UTF8.GetBytes("local-stack-unsigned")), SigningCertUrl, UnsubscribeUrl(subscription), NotificationAttributes(message)),
            SnsJsonContext.Default.SnsNotification);

    private string SigningCertUrl => $"{_environment.EndpointUrl}SimpleNotificationService-local.pem";

    private string UnsubscribeUrl(SnsSubscription subscription) =>
        $"{_environment.EndpointUrl}?Action=Unsubscribe&SubscriptionArn={Uri.EscapeDataString(subscription.SubscriptionArn)}";

    private static Dictionary<string, SnsNotificationAttribute>? NotificationAttributes(PublishedMessage message) =>
        message.Attributes.Count == 0 ? null : message.Attributes.ToDictionary(a => a.Key, a => new SnsNotificationAttribute(a.Value.DataType, a.Value.Value), StringComparer.Ordinal);

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void ValidateJsonStructure(string message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AwsErrorException("InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new AwsErrorException("InvalidParameter", $"Invalid parameter: Message Structure - Duplicate key {property.Name}");
                }

                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw new AwsErrorException("InvalidParameter", $"Invalid parameter: Message Structure - {property.Name} must be a string");
                }
            }

            if (!names.Contains("default"))
            {
                throw new AwsErrorException("InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body");
            }
        }
        catch (JsonException)
        {
            throw new AwsErrorException("InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse");
        }
    }

    private static Dictionary<string, SnsAttribute> ParseAttributes(IReadOnlyDictionary<string, string> parameters)
    {
        var attributes = new Dictionary<string, SnsAttribute>(StringComparer.Ordinal);
        for (var n = 1; parameters.TryGetValue($"MessageAttributes.entry.{n}.Name", out var name); n++)
        {
            var prefix = $"MessageAttributes.entry.{n}.Value.";
            var type = parameters.GetValueOrDefault(prefix + "DataType");
            var value = parameters.GetValueOrDefault(prefix + "StringValue") ?? parameters.GetValueOrDefault(prefix + "BinaryValue");
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(type) || string.IsNullOrEmpty(value))
            {
                throw new AwsErrorException("ParameterValueInvalid", $"The message attribute '{name}' must contain non-empty message attribute value and type.");
            }

            if (!(type.StartsWith("String", StringComparison.Ordinal) || type.StartsWith("Number", StringComparison.Ordinal) || type.StartsWith("Binary", StringComparison.Ordinal)))
            {
                throw new AwsErrorException("ParameterValueInvalid", $"The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }

            if (type.StartsWith("Number", StringComparison.Ordinal) && !decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw new AwsErrorException("ParameterValueInvalid", $"Could not cast message attribute '{name}' value to number.");
            }

            attributes[name] = new SnsAttribute(type, value);
        }

        return attributes;
    }

    private string DeleteTopic(string topicArn, string requestId)
    {
        // SNS answers DeleteTopic on a missing topic with NotFound (see the wire sample); subscriptions go with the topic.
        if (!_topics.TryRemove(topicArn, out _))
        {
            throw new AwsErrorException("NotFound", "Topic does not exist", 404);
        }

        foreach (var subscription in _subscriptions.Values.Where(s => s.TopicArn == topicArn))
        {
            _subscriptions.TryRemove(subscription.SubscriptionArn, out _);
        }

        return Respond("DeleteTopic", null, requestId);
    }

    private string GetTopicAttributes(string topicArn, string requestId)
    {
        ExistingTopic(topicArn);
        var subscriptions = _subscriptions.Values.Count(s => s.TopicArn == topicArn).ToString(CultureInfo.InvariantCulture);
        var entries = new Dictionary<string, string>
        {
            ["TopicArn"] = topicArn,
            ["Owner"] = _environment.AccountId,
            ["DisplayName"] = string.Empty,
            ["SubscriptionsConfirmed"] = subscriptions,
            ["SubscriptionsPending"] = "0",
            ["SubscriptionsDeleted"] = "0",
        };
        var xml = "<Attributes>" + string.Concat(entries.Select(e => $"<entry><key>{Escape(e.Key)}</key><value>{Escape(e.Value)}</value></entry>")) + "</Attributes>";
        return Respond("GetTopicAttributes", xml, requestId);
    }

    private string Unsubscribe(string subscriptionArn, string requestId)
    {
        if (!_subscriptions.TryRemove(subscriptionArn, out _))
        {
            throw new AwsErrorException("NotFound", "Subscription does not exist", 404);
        }

        return Respond("Unsubscribe", null, requestId);
    }

    private string ExistingTopic(string topicArn) =>
        _topics.ContainsKey(topicArn) ? topicArn : throw new AwsErrorException("NotFound", "Topic does not exist", 404);

    private static string SubscriptionsXml(IEnumerable<SnsSubscription> subscriptions) =>
        "<Subscriptions>" + string.Concat(subscriptions.OrderBy(s => s.SubscriptionArn, StringComparer.Ordinal).Select(s =>
            $"<member><SubscriptionArn>{Escape(s.SubscriptionArn)}</SubscriptionArn><Owner>{Escape(s.Owner)}</Owner><Protocol>{Escape(s.Protocol)}</Protocol>" +
            $"<Endpoint>{Escape(s.Endpoint)}</Endpoint><TopicArn>{Escape(s.TopicArn)}</TopicArn></member>")) + "</Subscriptions>";

    /// <summary><c>&lt;ActionResponse&gt;&lt;ActionResult&gt;…&lt;/ActionResult&gt;&lt;ResponseMetadata&gt;</c>; actions
    /// without output (DeleteTopic, Unsubscribe) carry only the metadata.</summary>
    private static string Respond(string action, string? result, string requestId)
    {
        var xml = new StringBuilder().Append('<').Append(action).Append("Response xmlns=\"").Append(Namespace).Append("\">");
        if (result is not null)
        {
            xml.Append('<').Append(action).Append("Result>").Append(result).Append("</").Append(action).Append("Result>");
        }

        return xml.Append("<ResponseMetadata><RequestId>").Append(requestId).Append("</RequestId></ResponseMetadata></")
            .Append(action).Append("Response>").ToString();
    }

    private static string Required(IReadOnlyDictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new AwsErrorException("InvalidParameter", $"Invalid parameter: {name} Reason: no value for required parameter");

    private static string Escape(string value) => SecurityElement.Escape(value);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // An unreachable http subscriber must not hold up shutdown.
        }

        _published.Complete();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,256}(\.fifo)?$")]
    private static partial Regex TopicName();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {MessageId} to {TopicArn}: {Subject}")]
    private static partial void LogPublished(ILogger logger, string topicArn, string messageId, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SNS delivery to {Endpoint} failed (attempt {Attempt}): {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string endpoint, int attempt, string reason);
}

/// <summary>Region, account, endpoint URL (for the envelope's URLs), working directory (relative file endpoints) and
/// the console that email/sms deliveries print to.</summary>
public sealed record SnsEnvironment(string Region, string AccountId, Uri EndpointUrl, string WorkingDirectory, TextWriter Console);
