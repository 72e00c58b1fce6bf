using System.Text;
using System.Text.Json;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// Rows of a JSON or JSON Lines file. Which of the two a file is, is decided by its first character,
/// not by the spec, because several upstream formats are unconfirmed: <c>[</c> means one array (its
/// elements are streamed); anything else means one JSON value per line (blank lines skipped).
/// A mapping with <see cref="RecordMapping.ParallelLists"/> instead reads one object holding lists
/// (small files: Q-Harm, I-MaliciousInstructions) as a whole.
/// </summary>
internal sealed class JsonRowSource(FileContext file, RecordMapping mapping) : IRowSource
{
    public IReadOnlyList<string>? Columns => null;

    public IEnumerable<SourceRow> Rows()
    {
        if (mapping.ParallelLists.Count > 0) return ParallelListRows();
        return StartsWithArray() ? ArrayRows() : LineRows();
    }

    private bool StartsWithArray()
    {
        using var stream = File.OpenRead(file.FullPath);
        int b;
        do b = stream.ReadByte();
        while (b is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF);
        return b == '[';
    }

    private IEnumerable<SourceRow> ArrayRows()
    {
        using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var array = new JsonArrayStream(stream);
        while (true)
        {
            JsonElement element;
            int index;
            long line;
            try
            {
                if (!array.TryReadNext(out element, out index, out line)) yield break;
            }
            catch (JsonException e)
            {
                throw file.Fail(Where(e, array.CurrentLine, array.CurrentByte), $"malformed JSON: {Describe(e)}", e);
            }
            catch (DecoderFallbackException e)
            {
                throw StrictUtf8.Fail(file, e);
            }
            yield return new JsonRow(element, $"element {index} (line {line})");
        }
    }

    private IEnumerable<SourceRow> LineRows()
    {
        using var reader = StrictUtf8.OpenReader(file);
        long lineNumber = 0;
        while (ReadLine(reader) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement element;
            try
            {
                using var doc = JsonDocument.Parse(line);
                element = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                var column = e.BytePositionInLine is { } p ? $", byte {p + 1}" : "";
                throw file.Fail($"line {lineNumber}{column}", $"malformed JSON: {Describe(e)}", e);
            }
            yield return new JsonRow(element, $"line {lineNumber}");
        }
    }

    private string? ReadLine(StreamReader reader)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException e)
        {
            throw StrictUtf8.Fail(file, e);
        }
    }

    private IEnumerable<SourceRow> ParallelListRows()
    {
        JsonDocument doc;
        try
        {
            // A small file read whole; checked first because the parser does not vet bytes inside strings.
            var bytes = File.ReadAllBytes(file.FullPath);
            if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw StrictUtf8.Fail(file, new DecoderFallbackException("invalid UTF-8"));
            doc = JsonDocument.Parse(bytes.AsMemory(HasBom(bytes) ? 3 : 0));
        }
        catch (JsonException e)
        {
            throw file.Fail(Where(e, null, null), $"malformed JSON: {Describe(e)}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw file.Fail("", $"expected one JSON object holding the lists {Quote(mapping.ParallelLists)}, found a {root.ValueKind.ToString().ToLowerInvariant()}");

            var lists = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var key in mapping.ParallelLists)
            {
                if (!root.TryGetProperty(key, out var list))
                    throw file.Fail("", $"key '{key}' not found; keys are: {string.Join(", ", root.EnumerateObject().Select(p => p.Name))}");
                if (list.ValueKind != JsonValueKind.Array)
                    throw file.Fail($"key '{key}'", $"expected a list, found a {list.ValueKind.ToString().ToLowerInvariant()}");
                lists[key] = list;
            }

            var lengths = lists.ToDictionary(kv => kv.Key, kv => kv.Value.GetArrayLength());
            if (lengths.Values.Distinct().Count() > 1)
                throw file.Fail("", "the lists must be as long as each other to be paired item by item, but "
                    + string.Join(", ", lengths.Select(kv => $"'{kv.Key}' has {kv.Value}")));

            int count = lengths.Values.FirstOrDefault();
            var rows = new List<SourceRow>(count);
            for (int i = 0; i < count; i++)
            {
                var items = lists.ToDictionary(kv => kv.Key, kv => kv.Value[i].Clone(), StringComparer.Ordinal);
                rows.Add(new ParallelListRow(items, $"item {i} of '{mapping.ParallelLists[0]}'"));
            }
            return rows;
        }
    }

    private static bool HasBom(byte[] bytes) => bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;

    private static string Where(JsonException e, long? fallbackLine, long? fallbackByte)
    {
        if (e.LineNumber is { } line)
            return e.BytePositionInLine is { } column ? $"line {line + 1}, byte {column + 1}" : $"line {line + 1}";
        return fallbackLine is { } l ? $"line {l} (byte {fallbackByte})" : "";
    }

    /// <summary>The parser's message without its own position suffix (we give the position ourselves).</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }

    private static string Quote(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"'{k}'"));

    public void Dispose() { }
}
