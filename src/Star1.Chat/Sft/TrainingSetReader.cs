using System.Text.Json;

namespace Star1.Chat.Sft;

/// <summary>
/// Reads a training set in either layout the pipeline knows, strictly: the combined set Select and BenignSelect
/// write (<c>[{id, origin, question, response}]</c>, Star1.Data's TrainingExample) or the released STAR-1 file
/// (<c>[{id, question, response, category, source, score}]</c>). The first item decides the layout; every item
/// must then have exactly its keys, with the right kinds, a non-empty question and response, and a key
/// (origin/id) no other item has. Errors name the file, the item's position and its id.
/// </summary>
public static class TrainingSetReader
{
    private static readonly string[] Combined = ["id", "origin", "question", "response"];
    private static readonly string[] StarOne = ["id", "question", "response", "category", "source", "score"];

    public static IReadOnlyList<SftItem> Read(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{path}: expected a JSON list of training items, found {root.ValueKind}");
            if (root.GetArrayLength() == 0) throw new InvalidDataException($"{path}: the training set is empty");

            string[]? layout = null;
            var items = new List<SftItem>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var e in root.EnumerateArray())
            {
                var where = $"{path}: item {index}";
                if (e.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: expected an object, found {e.ValueKind}");
                if (e.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.Number) where += $" (id {idValue.GetRawText()})";
                layout ??= e.TryGetProperty("origin", out _) ? Combined
                    : e.TryGetProperty("category", out _) ? StarOne
                    : throw new InvalidDataException($"{where}: neither the combined layout {{{string.Join(", ", Combined)}}} nor STAR-1's {{{string.Join(", ", StarOne)}}}");

                var keys = e.EnumerateObject().Select(p => p.Name).ToList();
                var extra = keys.Except(layout).ToList();
                var missing = layout.Except(keys).ToList();
                if (missing.Count > 0) throw new InvalidDataException($"{where}: missing {string.Join(", ", missing.Select(k => $"'{k}'"))}");
                if (extra.Count > 0 || keys.Count != layout.Length) throw new InvalidDataException($"{where}: unexpected key(s) {string.Join(", ", extra.DefaultIfEmpty("(repeated)").Select(k => $"'{k}'"))} for this file's layout");

                if (idValue.ValueKind != JsonValueKind.Number || !idValue.TryGetInt32(out var id)) throw new InvalidDataException($"{where}: 'id' must be a whole number");
                var origin = layout == Combined ? Text(e, "origin", where) : "star1";
                if (layout == StarOne)
                {
                    Kind(e, "category", JsonValueKind.Array, where);
                    Text(e, "source", where, allowEmpty: true);
                    Kind(e, "score", JsonValueKind.Object, where);
                }
                var key = $"{origin}/{id}";
                if (!seen.Add(key)) throw new InvalidDataException($"{where}: '{key}' appears twice");
                items.Add(new SftItem(key, Text(e, "question", where), Text(e, "response", where)));
                index++;
            }
            return items;
        }
    }

    private static string Text(JsonElement e, string name, string where, bool allowEmpty = false)
    {
        var v = Kind(e, name, JsonValueKind.String, where).GetString()!;
        if (!allowEmpty && v.Trim().Length == 0) throw new InvalidDataException($"{where}: '{name}' is empty");
        return v;
    }

    private static JsonElement Kind(JsonElement e, string name, JsonValueKind kind, string where)
    {
        var v = e.GetProperty(name);
        if (v.ValueKind != kind) throw new InvalidDataException($"{where}: '{name}' must be {kind.ToString().ToLowerInvariant()}, found {v.ValueKind.ToString().ToLowerInvariant()}");
        return v;
    }
}
