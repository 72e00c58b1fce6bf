using static TorchSharp.torch;

namespace Star1.Modeling.Architectures;

/// <summary>
/// Qwen2 (DeepSeek-R1-Distill-Qwen 1.5B-32B, Qwen2.5-Instruct): HF's Qwen2ForCausalLM. The Llama block
/// (Transformer.cs) with a bias on the q, k and v projections and plain RoPE (rope_theta, usually 10000 for
/// R1-Distill-Qwen and 1e6 for Qwen2.5). The small ones tie the output head to the embeddings
/// (tie_word_embeddings), which CausalLm handles. Sliding-window attention is off in every checkpoint we
/// use, and ModelConfig refuses a config that turns it on.
/// </summary>
public sealed class Qwen2 : CausalLm
{
    public Qwen2(ModelConfig config, ScalarType dtype, Device device)
        : base("Qwen2ForCausalLM", config with { AttentionBias = true }, Frequencies(config), dtype, device)
    {
    }

    private static float[] Frequencies(ModelConfig c)
    {
        var freqs = Rotary.DefaultFrequencies(c.HeadDim, c.RopeTheta);
        return c.RopeScaling switch
        {
            null => freqs,
            { Type: "linear" } s => freqs.Select(f => (float)(f / s.Factor)).ToArray(),
            var s => throw new NotSupportedException($"Qwen2: rope_scaling type '{s.Type}' is not supported"),
        };
    }
}
