using System.Text.Json;

namespace Star1.Chat.Tokenization;

/// <summary>One entry of tokenizer.json's <c>added_tokens</c>.</summary>
public sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// What this project reads from a Hugging Face tokenizer.json itself, beside what the native library does with
/// it: the vocabulary (to look tokens up by name), the added tokens (to decode with or without them) and the
/// tokens the post-processor wraps every encoding in (to take them off again: formats write their own BOS).
/// </summary>
internal sealed class TokenizerFile
{
    public required IReadOnlyDictionary<string, int> Vocab { get; init; }
    public required IReadOnlyList<AddedToken> AddedTokens { get; init; }
    /// <summary>Ids the post-processor puts before and after a single sequence (Llama 3 puts BOS before).</summary>
    public required int[] ImplicitPrefix { get; init; }
    public required int[] ImplicitSuffix { get; init; }

    public static TokenizerFile Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var t in list.EnumerateArray())
                added.Add(new AddedToken(t.GetProperty("id").GetInt32(), t.GetProperty("content").GetString()!,
                    t.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True));

        if (!root.TryGetProperty("model", out var model))
            throw new InvalidDataException($"{path}: not a tokenizer.json (no 'model')");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        if (model.TryGetProperty("vocab", out var v))
        {
            if (v.ValueKind == JsonValueKind.Object)
                foreach (var p in v.EnumerateObject()) vocab[p.Name] = p.Value.GetInt32();
            else if (v.ValueKind == JsonValueKind.Array) // Unigram: [[piece, score], ...], the id is the position
            {
                var i = 0;
                foreach (var e in v.EnumerateArray()) vocab[e[0].GetString()!] = i++;
            }
        }
        foreach (var a in added) vocab[a.Content] = a.Id;

        var prefix = new List<int>();
        var suffix = new List<int>();
        if (root.TryGetProperty("post_processor", out var pp) && pp.ValueKind == JsonValueKind.Object)
            CollectImplicit(pp, vocab, prefix, suffix, path);
        return new TokenizerFile { Vocab = vocab, AddedTokens = added, ImplicitPrefix = [.. prefix], ImplicitSuffix = [.. suffix] };
    }

    // The post-processors real checkpoints use: TemplateProcessing (Llama 3: BOS + $A), Bert/Roberta (CLS $A SEP),
    // ByteLevel (offsets only, adds nothing) and a Sequence of those.
    private static void CollectImplicit(JsonElement pp, Dictionary<string, int> vocab, List<int> prefix, List<int> suffix, string path)
    {
        var type = pp.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in pp.GetProperty("processors").EnumerateArray())
                    CollectImplicit(inner, vocab, prefix, suffix, path);
                break;
            case "TemplateProcessing":
                var specials = pp.TryGetProperty("special_tokens", out var st) ? st : default;
                var seenSequence = false;
                foreach (var piece in pp.GetProperty("single").EnumerateArray())
                {
                    if (piece.TryGetProperty("Sequence", out _)) { seenSequence = true; continue; }
                    var name = piece.GetProperty("SpecialToken").GetProperty("id").GetString()!;
                    var ids = specials.ValueKind == JsonValueKind.Object && specials.TryGetProperty(name, out var entry)
                        ? entry.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())
                        : [vocab.TryGetValue(name, out var id) ? id : throw new InvalidDataException($"{path}: post_processor names '{name}', which is not a token")];
                    (seenSequence ? suffix : prefix).AddRange(ids);
                }
                break;
            case "BertProcessing":
            case "RobertaProcessing":
                prefix.Add(pp.GetProperty("cls")[1].GetInt32());
                suffix.Add(pp.GetProperty("sep")[1].GetInt32());
                break;
            case "ByteLevel":
                break;
            default:
                throw new InvalidDataException($"{path}: post_processor type '{type}' is not supported");
        }
    }
}
