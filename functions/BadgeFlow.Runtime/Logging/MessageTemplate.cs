using System.Collections.Concurrent;

namespace BadgeFlow.Runtime;

/// <summary>A parsed message template: literal text and named holes (<c>{Name}</c> or <c>{Name:format}</c>), bound to
/// arguments by position as in Serilog and Microsoft.Extensions.Logging. <c>{{</c> and <c>}}</c> are literal braces.</summary>
internal sealed class MessageTemplate
{
    // Templates are literals in code, so the set is small and bounded in practice; the cap guards against a caller
    // that builds templates dynamically.
    private const int CacheLimit = 1024;
    private static readonly ConcurrentDictionary<string, MessageTemplate> Cache = new(StringComparer.Ordinal);

    private MessageTemplate(string text, Segment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    public Segment[] Segments { get; }

    public static MessageTemplate Parse(string text)
    {
        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var parsed = new MessageTemplate(text, ParseSegments(text));
        if (Cache.Count < CacheLimit)
        {
            Cache.TryAdd(text, parsed);
        }

        return parsed;
    }

    private static Segment[] ParseSegments(string text)
    {
        var segments = new List<Segment>();
        var literal = new System.Text.StringBuilder();
        var holeIndex = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
                continue;
            }

            if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i += 2;
                continue;
            }

            if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                if (close > i + 1 && TryParseHole(text.AsSpan(i + 1, close - i - 1), out var name, out var format))
                {
                    if (literal.Length > 0)
                    {
                        segments.Add(Segment.Literal(literal.ToString()));
                        literal.Clear();
                    }

                    segments.Add(Segment.Hole(name, format, holeIndex++, text.Substring(i, close - i + 1)));
                    i = close + 1;
                    continue;
                }
            }

            literal.Append(c);
            i++;
        }

        if (literal.Length > 0)
        {
            segments.Add(Segment.Literal(literal.ToString()));
        }

        return [.. segments];
    }

    private static bool TryParseHole(ReadOnlySpan<char> hole, out string name, out string? format)
    {
        // Serilog's destructuring hints (@, $) carry no meaning here; accept and drop them.
        if (hole.Length > 0 && (hole[0] == '@' || hole[0] == '$'))
        {
            hole = hole[1..];
        }

        var colon = hole.IndexOf(':');
        var nameSpan = colon >= 0 ? hole[..colon] : hole;
        format = colon >= 0 ? hole[(colon + 1)..].ToString() : null;
        name = string.Empty;
        if (nameSpan.IsEmpty)
        {
            return false;
        }

        foreach (var ch in nameSpan)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch != '_')
            {
                return false;
            }
        }

        name = nameSpan.ToString();
        return true;
    }

    internal readonly struct Segment
    {
        private Segment(string text, string? name, string? format, int index)
        {
            Text = text;
            Name = name;
            Format = format;
            Index = index;
        }

        /// <summary>Literal text, or for a hole its original spelling (rendered when no argument fills it).</summary>
        public string Text { get; }

        public string? Name { get; }

        public string? Format { get; }

        public int Index { get; }

        public bool IsHole => Name is not null;

        public static Segment Literal(string text) => new(text, null, null, -1);

        public static Segment Hole(string name, string? format, int index, string original) => new(original, name, format, index);
    }
}
