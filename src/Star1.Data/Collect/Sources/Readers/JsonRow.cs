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

    public override FieldValue Get(string key)
    {
        if (Element.ValueKind != JsonValueKind.Object || !Element.TryGetProperty(key, out var value))
            return FieldValue.Absent;
        return AsField(key, value);
    }

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
