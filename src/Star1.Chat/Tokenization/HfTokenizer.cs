using Tokenizers.DotNet;

namespace Star1.Chat.Tokenization;

/// <summary>
/// A Hugging Face tokenizer.json run by the Rust tokenizers library (through Tokenizers.DotNet), the same code
/// transformers and vLLM use, so ids match theirs. The native wrapper only offers encode (with the
/// post-processor's tokens) and decode (without special tokens); this class takes the implicit tokens off and
/// decodes added tokens itself, reading what it needs from the file (<see cref="TokenizerFile"/>).
/// </summary>
public sealed class HfTokenizer : ITokenizer, IDisposable
{
    private readonly Tokenizer native;
    private readonly TokenizerFile file;
    private readonly Dictionary<int, AddedToken> addedById;
    private readonly Lock gate = new();

    public string Source { get; }
    public int VocabSize { get; }
    public int? BosId { get; }
    public int? EosId { get; }
    public int? PadId { get; }
    public IReadOnlyList<AddedToken> AddedTokens => file.AddedTokens;

    private HfTokenizer(string source, Tokenizer native, TokenizerFile file, TokenizerConfig config)
    {
        Source = source;
        this.native = native;
        this.file = file;
        addedById = file.AddedTokens.ToDictionary(a => a.Id);
        VocabSize = file.Vocab.Count == 0 ? 0 : file.Vocab.Values.Max() + 1;
        BosId = Named(config.BosToken, "bos_token");
        EosId = Named(config.EosToken, "eos_token");
        PadId = Named(config.PadToken, "pad_token");
    }

    /// <summary>
    /// Loads a tokenizer from a checkpoint folder (tokenizer.json, and tokenizer_config.json for BOS/EOS/padding
    /// when present) or from a tokenizer.json path (its folder's tokenizer_config.json is read the same way).
    /// <paramref name="config"/> overrides the names the folder gives.
    /// </summary>
    public static HfTokenizer Load(string path, TokenizerConfig? config = null)
    {
        var json = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        if (!File.Exists(json)) throw new FileNotFoundException($"no tokenizer.json at {json}", json);
        var file = TokenizerFile.Read(json);
        config ??= TokenizerConfig.Read(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(json))!, "tokenizer_config.json"));
        Tokenizer native;
        try
        {
            native = new Tokenizer(json);
        }
        catch (TokenizerException e)
        {
            throw new InvalidDataException($"{json}: the tokenizers library cannot load it ({e.Message})", e);
        }
        var tokenizer = new HfTokenizer(json, native, file, config);
        tokenizer.CheckAgainstNative();
        return tokenizer;
    }

    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var raw = NativeEncode(text);
        return StripImplicit(raw, text);
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecial = true)
    {
        // Runs of ordinary ids go to the native decoder in one piece (byte-level BPE needs whole runs to rebuild
        // multi-byte characters); added tokens are written out here, so "keep special tokens" is possible at all.
        var text = new System.Text.StringBuilder();
        var run = new List<uint>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= VocabSize) throw new ArgumentOutOfRangeException(nameof(ids), $"id {id} is outside {Source}'s vocabulary of {VocabSize}");
            if (addedById.TryGetValue(id, out var added))
            {
                Flush();
                if (!(skipSpecial && added.Special)) text.Append(added.Content);
            }
            else run.Add((uint)id);
        }
        Flush();
        return text.ToString();

        void Flush()
        {
            if (run.Count == 0) return;
            lock (gate) text.Append(native.Decode([.. run]));
            run.Clear();
        }
    }

    public int? FindTokenId(string token) => file.Vocab.TryGetValue(token, out var id) ? id : null;

    public void Dispose() => native.Dispose();

    private int[] NativeEncode(string text)
    {
        uint[] raw;
        lock (gate) raw = native.Encode(text);
        return Array.ConvertAll(raw, u => (int)u);
    }

    private int[] StripImplicit(int[] raw, string text)
    {
        int p = file.ImplicitPrefix.Length, s = file.ImplicitSuffix.Length;
        if (p + s == 0) return raw;
        if (raw.Length < p + s || !raw.AsSpan(0, p).SequenceEqual(file.ImplicitPrefix) || !raw.AsSpan(raw.Length - s).SequenceEqual(file.ImplicitSuffix))
            throw new InvalidOperationException($"{Source}: encoding '{Shorten(text)}' did not carry the post-processor's tokens where expected");
        return raw[p..^s];
    }

    // The file's added-token ids are what this class decodes by; the native library re-numbers added tokens
    // that do not follow the vocabulary (it did so in tests here), so a file where they disagree is refused.
    private void CheckAgainstNative()
    {
        var empty = NativeEncode("");
        if (!empty.SequenceEqual(file.ImplicitPrefix.Concat(file.ImplicitSuffix)))
            throw new InvalidDataException($"{Source}: the post-processor adds [{string.Join(",", empty)}] to every encoding, not the tokens its JSON names");
        foreach (var a in file.AddedTokens)
        {
            var ids = Encode(a.Content);
            if (ids.Length != 1 || ids[0] != a.Id)
                throw new InvalidDataException($"{Source}: added token '{a.Content}' (id {a.Id}) encodes as [{string.Join(",", ids)}]; added tokens must follow the vocabulary's ids");
        }
    }

    private int? Named(string? token, string key) =>
        token is null ? null
        : FindTokenId(token) ?? throw new InvalidDataException($"{Source}: tokenizer_config.json's {key} '{token}' is not a token of tokenizer.json");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
