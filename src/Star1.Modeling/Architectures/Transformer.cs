using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Star1.Modeling.Architectures;

// The decoder-only transformer that Qwen2 and Llama share, written the way Hugging Face's modeling_llama.py
// computes it, with the same module and parameter names (field names become state-dict names, so
// `self_attn.q_proj.weight` here is `model.layers.N.self_attn.q_proj.weight` in the checkpoint). What differs
// between the two lives in Qwen2.cs and Llama.cs: attention bias and RoPE frequencies.
// Shapes: B batch, T new tokens, S cached + new tokens, H heads, K key/value heads, D head dim.

/// <summary>RMSNorm as HF computes it: normalise in float32, cast back, then scale.</summary>
public sealed class RmsNorm : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double eps;

    public RmsNorm(long size, double eps, ScalarType dtype, Device device) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(size, dtype: dtype, device: device));
        this.eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * rsqrt(x32.pow(2).mean([-1], keepdim: true) + eps);
        return (weight * normed.to(x.dtype)).MoveToOuterDisposeScope();
    }
}

/// <summary>Rotary position embeddings, HF's rotate_half convention: the head dim is split into two
/// halves (not interleaved pairs), and frequency i rotates element i with element i + D/2.</summary>
public static class Rotary
{
    /// <summary>cos and sin, [B, 1, T, D] in <paramref name="dtype"/>, for integer positions [B, T].
    /// Angles are computed in float32 as HF does, so long positions round the same way.</summary>
    public static (Tensor Cos, Tensor Sin) CosSin(float[] inverseFrequencies, Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var invFreq = tensor(inverseFrequencies, device: positions.device);
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * invFreq;   // [B, T, D/2]
        var emb = cat([angles, angles], -1).unsqueeze(1);                       // [B, 1, T, D]
        return (emb.cos().to(dtype).MoveToOuterDisposeScope(), emb.sin().to(dtype).MoveToOuterDisposeScope());
    }

    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return x * cos + rotated * sin;
    }

    /// <summary>Plain RoPE: theta^(-2i/D), computed in float32 like HF.</summary>
    public static float[] DefaultFrequencies(int headDim, double theta)
    {
        var freqs = new float[headDim / 2];
        for (int i = 0; i < freqs.Length; i++)
            freqs[i] = 1.0f / MathF.Pow((float)theta, (2 * i) / (float)headDim);
        return freqs;
    }
}

/// <summary>Grouped-query self-attention through scaled_dot_product_attention.</summary>
public sealed class Attention : Module<Tensor, Tensor>
{
    private readonly Linear q_proj, k_proj, v_proj, o_proj;
    private readonly int heads, kvHeads, headDim;

    public Attention(ModelConfig c, ScalarType dtype, Device device) : base(nameof(Attention))
    {
        heads = c.NumAttentionHeads;
        kvHeads = c.NumKeyValueHeads;
        headDim = c.HeadDim;
        q_proj = Linear(c.HiddenSize, heads * headDim, hasBias: c.AttentionBias, device: device, dtype: dtype);
        k_proj = Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias, device: device, dtype: dtype);
        v_proj = Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias, device: device, dtype: dtype);
        o_proj = Linear(heads * headDim, c.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new InvalidOperationException("call Forward with positions");

    /// <param name="mask">Boolean [B, 1, T, S], true where a query may attend; null means plain causal
    /// attention over the T new tokens (training: no cache, no left padding).</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, LayerCache? cache)
    {
        long b = x.shape[0], t = x.shape[1];
        var q = q_proj.forward(x).view(b, t, heads, headDim).transpose(1, 2);
        var k = k_proj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        var v = v_proj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        q = Rotary.Apply(q, cos, sin);
        k = Rotary.Apply(k, cos, sin);
        if (cache is not null) (k, v) = cache.Append(k, v);

        // GQA: each key/value head serves heads / kvHeads query heads (HF's repeat_kv).
        if (kvHeads != heads)
        {
            k = k.repeat_interleave(heads / kvHeads, dim: 1);
            v = v.repeat_interleave(heads / kvHeads, dim: 1);
        }
        var y = mask is null
            ? functional.scaled_dot_product_attention(q, k, v, null, 0.0, true)
            : functional.scaled_dot_product_attention(q, k, v, mask, 0.0, false);
        return o_proj.forward(y.transpose(1, 2).reshape(b, t, heads * headDim));
    }
}

/// <summary>SwiGLU: down(silu(gate(x)) * up(x)).</summary>
public sealed class SwiGluMlp : Module<Tensor, Tensor>
{
    private readonly Linear gate_proj, up_proj, down_proj;

    public SwiGluMlp(ModelConfig c, ScalarType dtype, Device device) : base(nameof(SwiGluMlp))
    {
        gate_proj = Linear(c.HiddenSize, c.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        up_proj = Linear(c.HiddenSize, c.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        down_proj = Linear(c.IntermediateSize, c.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => down_proj.forward(functional.silu(gate_proj.forward(x)) * up_proj.forward(x));
}

/// <summary>Pre-norm block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
public sealed class DecoderLayer : Module<Tensor, Tensor>
{
    private readonly Attention self_attn;
    private readonly SwiGluMlp mlp;
    private readonly RmsNorm input_layernorm, post_attention_layernorm;

    public DecoderLayer(ModelConfig c, ScalarType dtype, Device device) : base(nameof(DecoderLayer))
    {
        self_attn = new Attention(c, dtype, device);
        mlp = new SwiGluMlp(c, dtype, device);
        input_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, dtype, device);
        post_attention_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps, dtype, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new InvalidOperationException("call Forward with positions");

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, LayerCache? cache)
    {
        var h = x + self_attn.Forward(input_layernorm.forward(x), cos, sin, mask, cache);
        return h + mlp.forward(post_attention_layernorm.forward(h));
    }
}

/// <summary>HF's <c>model</c> submodule: embeddings, the layers, the final norm.</summary>
public sealed class DecoderStack : Module<Tensor, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly RmsNorm norm;

    public DecoderStack(ModelConfig c, ScalarType dtype, Device device) : base(nameof(DecoderStack))
    {
        embed_tokens = Embedding(c.VocabSize, c.HiddenSize, device: device, dtype: dtype);
        layers = new ModuleList<DecoderLayer>(Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new DecoderLayer(c, dtype, device)).ToArray());
        norm = new RmsNorm(c.HiddenSize, c.RmsNormEps, dtype, device);
        RegisterComponents();
    }

    public Embedding Embeddings => embed_tokens;
    public ModuleList<DecoderLayer> Layers => layers;

    public override Tensor forward(Tensor x) => throw new InvalidOperationException("call CausalLm.Forward");

    internal Tensor Norm(Tensor x) => norm.forward(x);
}
