using Star1.Modeling.Architectures;

namespace Star1.Modeling.Training;

/// <summary>
/// A rough peak-memory figure for training <see cref="ModelConfig"/> (what --dryrun shows before hours of work):
/// weights and gradients in the training dtype, AdamW's two fp32 moments (plus fp32 masters when the weights are
/// bf16), the activations autograd keeps for one micro batch, and the fp32 logits with their gradient. Activation
/// sizes follow the layer code (Transformer.cs): per token and layer about 8 hidden-size vectors, 4 of the MLP's
/// width and the q/k/v projections; with gradient checkpointing only each layer's input is kept, plus one layer's
/// worth during its recomputation. The CPU attention (math path) also keeps a [heads, T, T] matrix per layer.
/// </summary>
public sealed record MemoryEstimate(long Parameters, long Weights, long Gradients, long Optimizer, long Activations, long Logits)
{
    public long Total => Weights + Gradients + Optimizer + Activations + Logits;

    public static long ParameterCount(ModelConfig c)
    {
        long h = c.HiddenSize, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        long attention = h * h + 2 * h * kv + h * h + (c.AttentionBias ? h + 2 * kv : 0);
        long layer = attention + 3 * h * c.IntermediateSize + 2 * h;
        long embeddings = (long)c.VocabSize * h * (c.TieWordEmbeddings ? 1 : 2);
        return embeddings + c.NumHiddenLayers * layer + h;
    }

    public static MemoryEstimate For(ModelConfig c, int microBatch, int maxLength, bool bf16, bool checkpointing, bool cuda)
    {
        long p = ParameterCount(c);
        int bytes = bf16 ? 2 : 4;
        long tokens = (long)microBatch * maxLength;
        long h = c.HiddenSize, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        long perLayer = tokens * (8 * h + 4 * c.IntermediateSize + 2 * kv) * bytes;
        if (!cuda) perLayer += (long)microBatch * c.NumAttentionHeads * maxLength * maxLength * bytes;
        long activations = checkpointing ? c.NumHiddenLayers * tokens * h * bytes + perLayer : c.NumHiddenLayers * perLayer;
        long optimizer = p * 4 * (bf16 ? 3 : 2);
        long logits = 2 * tokens * c.VocabSize * 4;
        return new MemoryEstimate(p, p * bytes, p * bytes, optimizer, activations, logits);
    }

    /// <summary>A size for people: MiB below a GiB (the tiny model), GiB above.</summary>
    public static string Gib(long bytes) => bytes < 1L << 30
        ? (bytes / (double)(1L << 20)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " MiB"
        : (bytes / (double)(1L << 30)).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " GiB";
}
