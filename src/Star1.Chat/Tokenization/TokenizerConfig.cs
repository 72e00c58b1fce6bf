using System.Text.Json;

namespace Star1.Chat.Tokenization;

/// <summary>
/// The BOS, EOS and padding token names of a checkpoint. tokenizer.json does not say which token plays which
/// part; tokenizer_config.json beside it does (as a string, or as an object with a <c>content</c>).
/// </summary>
public sealed record TokenizerConfig(string? BosToken, string? EosToken, string? PadToken)
{
    public static TokenizerConfig None { get; } = new(null, null, null);

    /// <summary>Reads tokenizer_config.json; a missing file means no names, a file that is not JSON is an error.</summary>
    public static TokenizerConfig Read(string path)
    {
        if (!File.Exists(path)) return None;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return new TokenizerConfig(Name(doc.RootElement, "bos_token"), Name(doc.RootElement, "eos_token"), Name(doc.RootElement, "pad_token"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    private static string? Name(JsonElement root, string key) =>
        !root.TryGetProperty(key, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) ? c.GetString()
        : null;
}
