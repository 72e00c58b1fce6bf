using System.Security.Cryptography;
using System.Text.Json;

namespace Star1.Chat.Tokenization;

/// <summary>
/// The tokenizer of the embedded default model: a byte-level BPE learned from the text this repository ships
/// (the demo corpus and the policies, see <see cref="TrainingText"/>) by <see cref="ByteLevelBpeTrainer"/>, plus
/// the R1-distill chat tokens, stored as src/Star1.Chat/Embedded/tokenizer.json and compiled into this
/// assembly. It is loaded through <see cref="HfTokenizer"/> like any checkpoint's tokenizer.
/// Regenerate it with <c>dotnet run --project tools/Star1.MakeTokenizer</c>; a test fails when the file and
/// the text it is learned from disagree.
/// </summary>
public static class EmbeddedTokenizer
{
    public const string Bos = "<｜begin▁of▁sentence｜>";
    public const string Eos = "<｜end▁of▁sentence｜>";

    /// <summary>The R1-distill tokens, in id order after the learned vocabulary. As in the R1 distills,
    /// the think tags are added but not special: decoding without special tokens keeps them.</summary>
    public static IReadOnlyList<(string Content, bool Special)> AddedTokens { get; } =
    [
        (Bos, true), (Eos, true), ("<｜User｜>", true), ("<｜Assistant｜>", true), ("<think>", false), ("</think>", false),
    ];

    /// <summary>Vocabulary size asked of the trainer (learned tokens + added); a tiny model on 2 CPU cores
    /// wants a small embedding table. The demo text runs out of pairs seen twice before this.</summary>
    public const int TargetVocabSize = 4096;

    /// <summary>Where the training text lives, relative to the repository root: the demo corpus (the questions)
    /// and the policies (the stand-in reasoner builds its reasoning and answers from their rules). The other
    /// prompt files instruct the LLM stages and are never text the tiny model reads; leaving them out also
    /// means editing them does not change the tokenizer.</summary>
    public static readonly string[] TrainingFolders = ["data/demo", "prompts/policies"];

    private const string ResourceName = "Star1.Chat.Embedded.tokenizer.json";

    /// <summary>The tokenizer.json bytes compiled into this assembly.</summary>
    public static byte[] Bytes()
    {
        using var stream = typeof(EmbeddedTokenizer).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from Star1.Chat");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Loads the embedded tokenizer: BOS <c>&lt;｜begin▁of▁sentence｜&gt;</c>, EOS and padding
    /// <c>&lt;｜end▁of▁sentence｜&gt;</c>, as in the R1 distills.</summary>
    public static HfTokenizer Load()
    {
        // The native library reads only files: write the bytes once under a name made of their hash.
        var bytes = Bytes();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var folder = Path.Combine(Path.GetTempPath(), $"star1-tokenizer-{hash}");
        var path = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(path) || new FileInfo(path).Length != bytes.Length)
        {
            Directory.CreateDirectory(folder);
            var temp = Path.Combine(folder, $".tokenizer.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        return HfTokenizer.Load(path, Config);
    }

    public static TokenizerConfig Config { get; } = new(Bos, Eos, Eos);

    /// <summary>Writes tokenizer.json and a tokenizer_config.json naming BOS/EOS/padding into a checkpoint folder,
    /// so transformers and vLLM load the same tokenizer.</summary>
    public static void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), Bytes());
        var config = new Dictionary<string, object?>
        {
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
            ["bos_token"] = Bos, ["eos_token"] = Eos, ["pad_token"] = Eos,
            ["add_bos_token"] = false, ["add_eos_token"] = false,
            ["clean_up_tokenization_spaces"] = false, ["model_max_length"] = 131072,
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            JsonSerializer.Serialize(config, ByteLevelBpeTrainer.JsonLf) + "\n");
    }

    /// <summary>The text the vocabulary is learned from: every file under <see cref="TrainingFolders"/> in
    /// ordinal path order; from JSON and JSON Lines only the string values (keys and escapes are not text
    /// anyone will write to the model), other files as they are.</summary>
    public static IEnumerable<string> TrainingText(string repositoryRoot)
    {
        foreach (var folder in TrainingFolders)
        {
            var files = Directory.GetFiles(Path.Combine(repositoryRoot, folder), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(repositoryRoot, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var full = Path.Combine(repositoryRoot, file);
                if (file.EndsWith(".jsonl", StringComparison.Ordinal))
                {
                    foreach (var line in File.ReadLines(full))
                        if (line.Trim().Length > 0)
                            foreach (var s in Strings(line)) yield return s;
                }
                else if (file.EndsWith(".json", StringComparison.Ordinal))
                {
                    foreach (var s in Strings(File.ReadAllText(full))) yield return s;
                }
                else yield return File.ReadAllText(full);
            }
        }
    }

    /// <summary>Learns the embedded tokenizer from a checkout; what tools/Star1.MakeTokenizer writes.</summary>
    public static ByteLevelBpeTrainer.Result Train(string repositoryRoot) =>
        new ByteLevelBpeTrainer { VocabSize = TargetVocabSize, AddedTokens = AddedTokens }.Train(TrainingText(repositoryRoot));

    private static IEnumerable<string> Strings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var found = new List<string>();
        Walk(doc.RootElement);
        return found;

        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String: found.Add(e.GetString()!); break;
                case JsonValueKind.Array: foreach (var x in e.EnumerateArray()) Walk(x); break;
                case JsonValueKind.Object: foreach (var p in e.EnumerateObject()) Walk(p.Value); break;
            }
        }
    }
}
