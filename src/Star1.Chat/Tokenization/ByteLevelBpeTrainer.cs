using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Star1.Chat.Tokenization;

/// <summary>
/// Learns a byte-level BPE vocabulary from text and writes it as a Hugging Face tokenizer.json with the same
/// pipeline as Qwen2's (NFC, the Qwen2 split pattern, byte-level mapping, BPE, byte-level decoding), so the
/// embedded default goes through exactly the code a real checkpoint does. The 256 byte symbols are always in
/// the vocabulary, so any text encodes, however far it is from the training text.
/// <para>
/// Training is the textbook algorithm: split the text into pre-tokens, count them, and repeatedly merge the
/// most frequent adjacent pair (ties broken by the pair's text, ordinal, so the result is deterministic) until
/// the vocabulary is full or no pair occurs <see cref="MinPairCount"/> times.
/// </para>
/// </summary>
public sealed partial class ByteLevelBpeTrainer
{
    /// <summary>Qwen2's pre-tokenizer split: contractions, letter runs with one leading non-letter, single
    /// digits, punctuation runs, newlines, other whitespace. Written in tokenizer.json for the native library
    /// and used here (.NET regex) to count pre-tokens while training.</summary>
    public const string SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    [GeneratedRegex(SplitPattern)]
    private static partial Regex Split();

    public int VocabSize { get; init; } = 4096;
    public int MinPairCount { get; init; } = 2;

    /// <summary>Added tokens appended after the learned vocabulary, in order; (content, special).</summary>
    public IReadOnlyList<(string Content, bool Special)> AddedTokens { get; init; } = [];

    internal static readonly JsonSerializerOptions JsonLf = new()
    {
        WriteIndented = true, NewLine = "\n", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public sealed record Result(IReadOnlyList<string> Vocab, IReadOnlyList<(string Left, string Right)> Merges, string Json);

    public Result Train(IEnumerable<string> texts)
    {
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (Match m in Split().Matches(text.Normalize(System.Text.NormalizationForm.FormC)))
            {
                var mapped = ByteLevelAlphabet.Map(m.Value);
                wordCounts[mapped] = wordCounts.GetValueOrDefault(mapped) + 1;
            }

        var symbols = new List<string>();
        var symbolId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in ByteLevelAlphabet.CharOfByte) Intern(c.ToString());

        // Words in a fixed order (ordinal) so that nothing depends on dictionary iteration order.
        var words = wordCounts.OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (Symbols: w.Key.Select(c => symbolId[c.ToString()]).ToList(), Count: w.Value)).ToList();
        var pairCounts = new Dictionary<(int, int), long>();
        var pairWords = new Dictionary<(int, int), HashSet<int>>();
        for (var w = 0; w < words.Count; w++) AddPairs(w, +1);

        var merges = new List<(string, string)>();
        var room = VocabSize - AddedTokens.Count;
        while (symbols.Count < room)
        {
            (int, int) best = default;
            long bestCount = 0;
            foreach (var (pair, count) in pairCounts)
                if (count > bestCount || (count == bestCount && count > 0 && Before(pair, best)))
                    (best, bestCount) = (pair, count);
            if (bestCount < MinPairCount) break;

            var merged = Intern(symbols[best.Item1] + symbols[best.Item2]);
            merges.Add((symbols[best.Item1], symbols[best.Item2]));
            foreach (var w in pairWords[best].ToArray())
            {
                AddPairs(w, -1);
                var s = words[w].Symbols;
                for (var i = 0; i < s.Count - 1; i++)
                    if (s[i] == best.Item1 && s[i + 1] == best.Item2) { s[i] = merged; s.RemoveAt(i + 1); }
                AddPairs(w, +1);
            }
        }
        return new Result(symbols, merges, ToJson(symbols, merges));

        int Intern(string symbol)
        {
            if (symbolId.TryGetValue(symbol, out var id)) return id;
            symbolId[symbol] = symbols.Count;
            symbols.Add(symbol);
            return symbols.Count - 1;
        }

        bool Before((int, int) a, (int, int) b)
        {
            var c = string.CompareOrdinal(symbols[a.Item1], symbols[b.Item1]);
            return c < 0 || (c == 0 && string.CompareOrdinal(symbols[a.Item2], symbols[b.Item2]) < 0);
        }

        void AddPairs(int w, int sign)
        {
            var (s, count) = words[w];
            for (var i = 0; i < s.Count - 1; i++)
            {
                var pair = (s[i], s[i + 1]);
                var total = pairCounts.GetValueOrDefault(pair) + sign * count;
                if (total == 0) pairCounts.Remove(pair); else pairCounts[pair] = total;
                if (sign > 0)
                {
                    if (!pairWords.TryGetValue(pair, out var set)) pairWords[pair] = set = [];
                    set.Add(w);
                }
                else if (total == 0) pairWords.Remove(pair);
            }
        }
    }

    private string ToJson(IReadOnlyList<string> vocab, IReadOnlyList<(string Left, string Right)> merges)
    {
        var vocabJson = new JsonObject();
        for (var i = 0; i < vocab.Count; i++) vocabJson[vocab[i]] = i;
        var added = new JsonArray();
        for (var i = 0; i < AddedTokens.Count; i++)
            added.Add(new JsonObject
            {
                ["id"] = vocab.Count + i, ["content"] = AddedTokens[i].Content, ["single_word"] = false,
                ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = AddedTokens[i].Special,
            });
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject { ["type"] = "NFC" },
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = SplitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            },
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false,
                ["vocab"] = vocabJson,
                // "left right" strings, the form every tokenizers version reads (byte-level symbols hold no space).
                ["merges"] = new JsonArray([.. merges.Select(m => (JsonNode)$"{m.Left} {m.Right}")]),
            },
        };
        // Indented like the files Hugging Face writes, with LF line ends on every OS so the committed file can be
        // compared byte for byte with a fresh run.
        return json.ToJsonString(JsonLf) + "\n";
    }
}
