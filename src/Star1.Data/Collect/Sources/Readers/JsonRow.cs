using System.Text.Json;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// One JSON record: an object whose keys are the fields, or (where the mapping allows it) a bare string
/// that is the question itself. Scalars read as text: strings as they are, <c>true</c>/<c>false</c>,
/// numbers as written; <c>null</c> is a null value.
/// </summary>
internal sealed class JsonRow(JsonElement element, string location) : SourceRow
{
    public JsonElement Element { get; } = element;

    public override string Location => location;

    public bool IsBareString => Element.ValueKind == JsonValueKind.String;

    public override IEnumerable<string> Keys =>
        Element.ValueKind == JsonValueKind.Object ? Element.EnumerateObject().Select(p => p.Name) : [];

    /// <summary>
    /// The value under <paramref name="key"/>. A key holding dots that is not itself a key of the record is
    /// read as a path into nested objects (<c>data.prompt</c>): user files often wrap the text one level down.
    /// A key spelled with a dot literally still wins, so no existing layout changes meaning.
    /// </summary>
    public override FieldValue Get(string key)
    {
        if (Element.ValueKind != JsonValueKind.Object) return FieldValue.Absent;
        if (Element.TryGetProperty(key, out var value)) return AsField(key, value);
        if (!key.Contains('.', StringComparison.Ordinal)) return FieldValue.Absent;

        var parts = key.Split('.');
        if (!Element.TryGetProperty(parts[0], out var current)) return FieldValue.Absent;
        for (int i = 1; i < parts.Length; i++)
        {
            var walked = string.Join('.', parts[..i]);
            if (current.ValueKind != JsonValueKind.Object)
                return new FieldValue(true, null, $"key '{key}' not found: '{walked}' holds a JSON {Kind(current)}, not an object");
            if (!current.TryGetProperty(parts[i], out var next))
            {
                var keys = current.EnumerateObject().Select(p => p.Name).ToList();
                return new FieldValue(true, null, keys.Count == 0
                    ? $"key '{key}' not found: '{walked}' has no keys"
                    : $"key '{key}' not found: '{walked}' has keys: {string.Join(", ", keys)}");
            }
            current = next;
        }
        return AsField(key, current);
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    internal static FieldValue AsField(string key, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new FieldValue(true, value.GetString()),
        JsonValueKind.Null => new FieldValue(true, null),
        JsonValueKind.True => new FieldValue(true, "true"),
        JsonValueKind.False => new FieldValue(true, "false"),
        JsonValueKind.Number => new FieldValue(true, value.GetRawText()),
        _ => new FieldValue(true, null, $"key '{key}' holds a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not text"),
    };

    /// <summary>What a record is when it is neither an object nor an accepted string.</summary>
    public string KindName => Element.ValueKind.ToString().ToLowerInvariant();
}

/// <summary>Item i of an object of parallel lists (Q-Harm, I-MaliciousInstructions).</summary>
internal sealed class ParallelListRow(IReadOnlyDictionary<string, JsonElement> items, string location) : SourceRow
{
    public override string Location => location;

    public override IEnumerable<string> Keys => items.Keys;

    public override FieldValue Get(string key) =>
        items.TryGetValue(key, out var value) ? JsonRow.AsField(key, value) : FieldValue.Absent;
}
