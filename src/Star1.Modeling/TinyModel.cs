using System.Text.Json.Nodes;
using Star1.Chat.Tokenization;
using Star1.Modeling.Architectures;
using static TorchSharp.torch;

namespace Star1.Modeling;

/// <summary>
/// The embedded default base model (<c>train.base_model: tiny</c>): a Qwen2-architecture model small enough to
/// train on the demo selection in minutes on two CPU cores, with the embedded byte-level BPE tokenizer (its
/// vocabulary plus the R1-distill special tokens) and the "r1-distill-qwen" chat format, so everything the real
/// models go through (chat template, label mask, checkpoint layout, generation) is exercised end to end. Its
/// weights come from the seed alone (HF's init), so "tiny" names one model per seed.
/// </summary>
public static class TinyModel
{
    public const string Name = "tiny";
    public const string ChatFormat = "r1-distill-qwen";

    // 4 layers of width 128 (4 query heads of 32, 2 key/value heads: grouped-query attention is exercised), a
    // SwiGLU of 384 (3x, near Qwen2's ratio) and tied embeddings: about 1.03M parameters, a quarter of them the
    // embedding. Wide enough for the loss to fall well below the unigram level within the demo's few steps.
    public const int HiddenSize = 128;
    public const int Layers = 4;
    public const int Heads = 4;
    public const int KeyValueHeads = 2;
    public const int IntermediateSize = 384;

    public static bool Is(string baseModel) => string.Equals(baseModel.Trim(), Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The config.json of the tiny model for a tokenizer of <paramref name="vocabSize"/> ids.</summary>
    public static ModelConfig Config(int vocabSize, int bosId, int eosId) => ModelConfig.FromJson(new JsonObject
    {
        ["architectures"] = new JsonArray("Qwen2ForCausalLM"),
        ["model_type"] = "qwen2",
        ["vocab_size"] = vocabSize,
        ["hidden_size"] = HiddenSize,
        ["intermediate_size"] = IntermediateSize,
        ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = Heads,
        ["num_key_value_heads"] = KeyValueHeads,
        ["hidden_act"] = "silu",
        ["max_position_embeddings"] = 4096,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["tie_word_embeddings"] = true,
        ["use_sliding_window"] = false,
        ["attention_dropout"] = 0.0,
        ["initializer_range"] = 0.02,
        ["bos_token_id"] = bosId,
        ["eos_token_id"] = eosId,
        ["torch_dtype"] = "float32",
    }, "tiny model config");

    /// <summary>The tiny model for the embedded tokenizer, weights drawn from <paramref name="seed"/>.</summary>
    public static CausalLm Create(long seed, ScalarType dtype, Device device)
    {
        using var tokenizer = EmbeddedTokenizer.Load();
        var config = Config(tokenizer.VocabSize, tokenizer.BosId ?? throw new InvalidOperationException("the embedded tokenizer has no BOS"),
            tokenizer.EosId ?? throw new InvalidOperationException("the embedded tokenizer has no EOS"));
        var model = CausalLm.Create(config, dtype, device);
        model.InitializeWeights(seed);
        return model;
    }
}
