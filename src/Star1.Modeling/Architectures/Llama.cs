using static TorchSharp.torch;

namespace Star1.Modeling.Architectures;

/// <summary>
/// Llama (DeepSeek-R1-Distill-Llama-8B, Llama-3.1-Instruct, Llama-Guard-3-8B): HF's LlamaForCausalLM. The
/// block in Transformer.cs, no attention bias (unless config.json sets attention_bias), and Llama 3.1's
/// RoPE frequency scaling ("rope_type": "llama3") that stretches long wavelengths for 128k context.
/// </summary>
public sealed class Llama : CausalLm
{
    public Llama(ModelConfig config, ScalarType dtype, Device device)
        : base("LlamaForCausalLM", config, Frequencies(config), dtype, device)
    {
    }

    private static float[] Frequencies(ModelConfig c)
    {
        var freqs = Rotary.DefaultFrequencies(c.HeadDim, c.RopeTheta);
        return c.RopeScaling switch
        {
            null => freqs,
            { Type: "linear" } s => freqs.Select(f => (float)(f / s.Factor)).ToArray(),
            { Type: "llama3" } s => Llama3(freqs, s),
            var s => throw new NotSupportedException($"Llama: rope_scaling type '{s.Type}' is not supported"),
        };
    }

    /// <summary>
    /// Llama 3.1's rule (transformers' _compute_llama3_parameters): frequencies whose wavelength is shorter
    /// than original_max_position_embeddings / high_freq_factor are kept; those longer than
    /// original / low_freq_factor are divided by factor; in between, a linear blend of the two by how many
    /// wavelengths fit in the original context. Computed in float32 as transformers does.
    /// </summary>
    internal static float[] Llama3(float[] freqs, RopeScaling s)
    {
        float factor = (float)s.Factor, low = (float)s.LowFreqFactor, high = (float)s.HighFreqFactor;
        float original = s.OriginalMaxPositionEmbeddings;
        float lowFreqWavelen = original / low;
        float highFreqWavelen = original / high;
        var scaled = new float[freqs.Length];
        for (int i = 0; i < freqs.Length; i++)
        {
            float f = freqs[i];
            float wavelen = 2 * MathF.PI / f;
            if (wavelen < highFreqWavelen) scaled[i] = f;
            else if (wavelen > lowFreqWavelen) scaled[i] = f / factor;
            else
            {
                float smooth = (original / wavelen - low) / (high - low);
                scaled[i] = (1 - smooth) * (f / factor) + smooth * f;
            }
        }
        return scaled;
    }
}
