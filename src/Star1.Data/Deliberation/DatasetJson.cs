using System.Text.Json;
using Star1.Data.Collect;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Selection;

namespace Star1.Data.Deliberation;

/// <summary>
/// The bytes of the deliberation and selection outputs, and strict readers for them. Writing uses Collect's
/// relaxed escaping (<see cref="CollectOutputs.Options"/>): indented, only JSON's required escapes.
/// <para>
/// Reading is strict because a reader may be pointed at a file nobody here wrote (<c>select.from</c>, a
/// released STAR-41K-format file): the top level must be a list of objects; every key a record needs must be
/// there with the right type (integers for ids and scores, strings, a non-empty list of known category names,
/// a score object with exactly the rubric's criteria in range); ids must be unique. An error names the file,
/// the item index, its id when known, and the key. Keys a record does not use are ignored, so a file with extra
/// columns still reads.
/// </para>
/// </summary>
public static class DatasetJson
{
    /// <summary>Any list of records (or a <see cref="Distribution"/>) as indented JSON.</summary>
    public static byte[] Write<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, CollectOutputs.Options());

    public static IReadOnlyList<CollectedQuestion> ReadCollected(string path) =>
        Read(path, r => new CollectedQuestion(r.Int("id"), r.Text("question"), r.Text("source")));

    public static IReadOnlyList<ClassifiedQuestion> ReadClassified(string path) =>
        Read(path, r => new ClassifiedQuestion(r.Int("id"), r.Text("question"), r.Text("source"), r.Categories("category")));

    public static IReadOnlyList<ReasonedQuestion> ReadReasoned(string path) =>
        Read(path, r => new ReasonedQuestion(r.Int("id"), r.Text("question"), r.Text("source"), r.Categories("category"), r.Text("response")));

    /// <summary>Score's output or a released STAR-41K-format file.</summary>
    public static IReadOnlyList<ScoredQuestion> ReadScored(string path) =>
        Read(path, r => new ScoredQuestion(r.Int("id"), r.Text("question"), r.Text("source"), r.Categories("category"), r.Text("response"),
            SafetyScores.From(r.Scores("score", SafetyScores.Criteria, SafetyScores.Min, SafetyScores.Max))));

    /// <summary>Select's output or a released STAR-1 file.</summary>
    public static IReadOnlyList<StarOneRecord> ReadStarOne(string path) =>
        Read(path, r => new StarOneRecord(r.Int("id"), r.Text("question"), r.Text("response"), r.Categories("category"), r.Text("source"),
            SafetyScores.From(r.Scores("score", SafetyScores.Criteria, SafetyScores.Min, SafetyScores.Max))));

    public static IReadOnlyList<BenignQuestion> ReadBenignQuestions(string path) =>
        Read(path, r => new BenignQuestion(r.Int("id"), r.Text("question"), r.Text("original_question"), r.Text("source"), r.Categories("category")));

    public static IReadOnlyList<BenignReasoned> ReadBenignReasoned(string path) =>
        Read(path, r => new BenignReasoned(r.Int("id"), r.Text("question"), r.Text("original_question"), r.Text("source"), r.Categories("category"), r.Text("response")));

    public static IReadOnlyList<BenignScored> ReadBenignScored(string path) =>
        Read(path, r => new BenignScored(r.Int("id"), r.Text("question"), r.Text("response"), r.Text("original_question"), r.Text("source"), r.Categories("category"),
            BenignScores.From(r.Scores("score", BenignScores.Criteria, BenignScores.Min, BenignScores.Max))));

    private static List<T> Read<T>(string path, Func<ItemReader, T> map)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException($"{path}: cannot be read ({e.Message})");
        }
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.AsMemory(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0)); }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{path}: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException($"{path}: expected a JSON list of records, found {JsonPayload.Kind(doc.RootElement.ValueKind)}");
            var result = new List<T>(doc.RootElement.GetArrayLength());
            var ids = new Dictionary<int, int>();
            int index = 0;
            foreach (var element in doc.RootElement.EnumerateArray())
            {
                var reader = new ItemReader(path, index, element);
                int id = reader.Int("id");
                if (!ids.TryAdd(id, index)) throw new DatasetFormatException($"{path}: item {index}: id {id} is also the id of item {ids[id]}");
                result.Add(map(reader));
                index++;
            }
            return result;
        }
    }

    private sealed class ItemReader
    {
        private readonly string _path;
        private readonly int _index;
        private readonly JsonElement _item;
        private int? _id;

        public ItemReader(string path, int index, JsonElement item)
        {
            _path = path;
            _index = index;
            _item = item;
            if (item.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException($"{path}: item {index}: expected an object, found {JsonPayload.Kind(item.ValueKind)}");
        }

        private JsonElement Get(string key) =>
            _item.TryGetProperty(key, out var v) ? v : throw Fail(key, "is missing");

        private DatasetFormatException Fail(string key, string what) =>
            new($"{_path}: item {_index}{(_id is int id ? $" (id {id})" : "")}: key '{key}' {what}");

        public int Int(string key)
        {
            var v = Get(key);
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n)) throw Fail(key, $"must be an integer, found {Show(v)}");
            if (key == "id") _id = n;
            return n;
        }

        public string Text(string key)
        {
            var v = Get(key);
            if (v.ValueKind != JsonValueKind.String) throw Fail(key, $"must be a string, found {Show(v)}");
            var s = v.GetString()!;
            if (s.Trim().Length == 0) throw Fail(key, "is empty");
            return s;
        }

        public IReadOnlyList<string> Categories(string key)
        {
            var v = Get(key);
            if (v.ValueKind != JsonValueKind.Array) throw Fail(key, $"must be a list of category names, found {Show(v)}");
            var names = new List<string>();
            foreach (var e in v.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.String) throw Fail(key, $"must hold only category names, found {Show(e)}");
                var name = e.GetString()!;
                if (name != SafetyCategories.Other && !SafetyCategories.IsCategory(name)) throw Fail(key, $"holds the unknown category \"{name}\"");
                if (names.Contains(name)) throw Fail(key, $"names \"{name}\" twice");
                names.Add(name);
            }
            if (names.Count == 0) throw Fail(key, "is an empty list (a question with no category is [\"Other\"])");
            return names;
        }

        public int[] Scores(string key, IReadOnlyList<string> criteria, int min, int max)
        {
            var r = ScoreParser.FromElement(Get(key), criteria, min, max, $"an object with {string.Join(", ", criteria)}");
            return r.Ok ? r.Value! : throw Fail(key, $"is wrong: {r.Error}");
        }

        private static string Show(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Number or JsonValueKind.String => $"{JsonPayload.Kind(e.ValueKind)} {e.GetRawText()}",
            _ => JsonPayload.Kind(e.ValueKind),
        };
    }
}

/// <summary>A dataset file that does not have the shape its reader expects; the message names the file, item and key.</summary>
public sealed class DatasetFormatException(string message) : Exception(message);
