using System.Buffers;
using System.Text.Json;
using Star1.Llm.Providers;

namespace Star1.Llm.Batch;

/// <summary>One input file of a batch: its JSONL bytes, the keys of its requests and their estimated tokens.</summary>
internal sealed record BatchChunk(byte[] Jsonl, IReadOnlyList<string> Keys, long InputTokens, long OutputCap);

/// <summary>One line of a batch's output or error file, mapped back by custom id (= the request's cache key).</summary>
internal sealed record BatchLine(string Key, ChatAnswer? Answer, ChatTransportException? Error);

/// <summary>
/// The Batch API's JSONL: each request becomes <c>{"custom_id": key, "method": "POST", "url":
/// "/v1/chat/completions", "body": {...}}</c> with the same body a direct request sends, split into files
/// within the request and byte limits. Output lines carry the custom id back with a response or an error.
/// </summary>
internal static class BatchFile
{
    public static List<BatchChunk> Split(IReadOnlyList<(string Key, ChatRequest Request, long Input, long OutputCap)> requests, int maxRequests, long maxBytes)
    {
        var chunks = new List<BatchChunk>();
        var buffer = new MemoryStream();
        var keys = new List<string>();
        long input = 0, output = 0;
        void Flush()
        {
            if (keys.Count == 0) return;
            chunks.Add(new BatchChunk(buffer.ToArray(), keys, input, output));
            buffer = new MemoryStream();
            keys = [];
            input = output = 0;
        }
        foreach (var (key, request, inTokens, outCap) in requests)
        {
            var line = Line(key, request);
            if (line.Length > maxBytes)
                throw new ArgumentException($"request {key} is {line.Length:N0} bytes as a batch line, more than a whole batch file may hold ({maxBytes:N0})");
            if (keys.Count == maxRequests || buffer.Length + line.Length > maxBytes) Flush();
            buffer.Write(line);
            keys.Add(key);
            input += inTokens;
            output += outCap;
        }
        Flush();
        return chunks;
    }

    private static byte[] Line(string key, ChatRequest request)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("custom_id", key);
            w.WriteString("method", "POST");
            w.WriteString("url", "/v1/chat/completions");
            w.WritePropertyName("body");
            ChatJson.WriteRequest(w, request);
            w.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an output or error file. Lines without a usable custom id are reported through <paramref name="skip"/>.</summary>
    public static IEnumerable<BatchLine> Read(BinaryData file, string batchId, Action<string> skip)
    {
        using var reader = new StreamReader(file.ToStream());
        int number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            BatchLine? line;
            try { line = Parse(text, batchId); }
            catch (JsonException ex) { skip($"batch {batchId} output line {number} is not JSON ({ex.Message.Split('.')[0]}); skipped"); continue; }
            if (line is null) { skip($"batch {batchId} output line {number} has no valid custom_id; skipped"); continue; }
            yield return line;
        }
    }

    private static BatchLine? Parse(string text, string batchId)
    {
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("custom_id", out var id) || id.ValueKind != JsonValueKind.String) return null;
        var key = id.GetString()!;
        // Custom ids are our cache keys: anything else did not come from us and must not be stored under its name.
        if (key.Length != 64 || !key.All(char.IsAsciiHexDigitLower)) return null;

        if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
        {
            int status = response.TryGetProperty("status_code", out var s) && s.TryGetInt32(out var code) ? code : 0;
            response.TryGetProperty("body", out var body);
            if (status == 200)
            {
                try { return new BatchLine(key, ChatJson.ReadAnswer(body), null); }
                catch (FormatException ex) { return new BatchLine(key, null, new ChatTransportException($"batch {batchId}: malformed answer: {ex.Message}", status, retryable: true)); }
            }
            var said = body.ValueKind == JsonValueKind.Object ? ChatJson.ErrorMessage(System.Text.Encoding.UTF8.GetBytes(body.GetRawText())) : null;
            return new BatchLine(key, null, new ChatTransportException($"batch {batchId}: HTTP {status}{(said is null ? "" : ": " + said)}",
                status, ChatTransportException.IsRetryableStatus(status)));
        }
        var message = root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString() : "no response";
        // A line-level error without an HTTP status (expired, cancelled) says nothing against the request itself.
        return new BatchLine(key, null, new ChatTransportException($"batch {batchId}: {message}", null, retryable: true));
    }
}
