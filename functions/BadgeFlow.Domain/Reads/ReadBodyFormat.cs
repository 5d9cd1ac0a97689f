namespace BadgeFlow.Domain.Reads;

/// <summary>The body formats of <c>POST /reads</c> (DESIGN.md "Sensor API").</summary>
public enum ReadBodyFormat
{
    /// <summary><c>application/json</c>: <c>{"reads": [ {read}, ... ]}</c>.</summary>
    Json,

    /// <summary><c>application/x-ndjson</c>: one <c>{read}</c> object per line.</summary>
    NdJson,

    /// <summary><c>text/csv</c>: <c>sensor_id,badge_id,read_at[,rssi]</c>, header line optional.</summary>
    Csv,
}

/// <summary>Maps a <c>Content-Type</c> header to a <see cref="ReadBodyFormat"/>.</summary>
public static class ReadBodyFormats
{
    /// <summary>Recognizes <c>application/json</c>, <c>application/x-ndjson</c> (and the unregistered
    /// <c>application/ndjson</c>) and <c>text/csv</c>, case-insensitively, with parameters allowed; a <c>charset</c>
    /// other than UTF-8 (or its subset US-ASCII) is refused because the parser reads UTF-8 only.</summary>
    public static bool TryFromContentType(string? contentType, out ReadBodyFormat format)
    {
        format = default;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var mediaType = (semicolon < 0 ? span : span[..semicolon]).Trim();
        if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            format = ReadBodyFormat.Json;
        }
        else if (mediaType.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/ndjson", StringComparison.OrdinalIgnoreCase))
        {
            format = ReadBodyFormat.NdJson;
        }
        else if (mediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            format = ReadBodyFormat.Csv;
        }
        else
        {
            return false;
        }

        var parameters = semicolon < 0 ? ReadOnlySpan<char>.Empty : span[(semicolon + 1)..];
        while (!parameters.IsEmpty)
        {
            var next = parameters.IndexOf(';');
            var parameter = (next < 0 ? parameters : parameters[..next]).Trim();
            parameters = next < 0 ? ReadOnlySpan<char>.Empty : parameters[(next + 1)..];
            var equals = parameter.IndexOf('=');
            if (equals < 0 || !parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var charset = parameter[(equals + 1)..].Trim().Trim('"');
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
                && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
