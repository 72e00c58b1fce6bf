using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Star1.Modeling.Architectures;

/// <summary>
/// A decoder-only language model as Hugging Face's *ForCausalLM: <c>model</c> (embeddings, layers, norm) and
/// <c>lm_head</c> (absent when tie_word_embeddings: the embedding matrix is reused). <see cref="Qwen2"/> and
/// <see cref="Llama"/> build one from a config.json. Parameter names equal the checkpoint's tensor names.
/// </summary>
public class CausalLm : Module<Tensor, Tensor>
{
    private readonly DecoderStack model;
    private readonly Linear? lm_head;
    private readonly float[] inverseFrequencies;

    protected CausalLm(string name, ModelConfig config, float[] inverseFrequencies, ScalarType dtype, Device device) : base(name)
    {
        Config = config;
        DType = dtype;
        this.inverseFrequencies = inverseFrequencies;
        model = new DecoderStack(config, dtype, device);
        register_module(nameof(model), model);
        if (!config.TieWordEmbeddings)
        {
            lm_head = Linear(config.HiddenSize, config.VocabSize, hasBias: false, device: device, dtype: dtype);
            register_module(nameof(lm_head), lm_head);
        }
    }

    public ModelConfig Config { get; }

    /// <summary>The dtype the parameters were created in (bf16 or fp32, whatever config.json stores).</summary>
    public ScalarType DType { get; }

    public Device Device => model.Embeddings.weight!.device;

    /// <summary>Recompute each layer in backward instead of keeping its activations (training only).</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Builds the architecture config.json names. The weights are whatever TorchSharp's layers start
    /// with: load a checkpoint into them, or call <see cref="InitializeWeights"/> for a new model.</summary>
    public static CausalLm Create(ModelConfig config, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? CPU;
        var t = dtype ?? config.TorchDtype;
        return config.ModelType switch
        {
            "qwen2" => new Qwen2(config, t, d),
            "llama" => new Llama(config, t, d),
            _ => throw new NotSupportedException($"model_type '{config.ModelType}' is not supported"),
        };
    }

    /// <summary>Fresh weights as HF's _init_weights: linear and embedding weights ~ N(0, initializer_range),
    /// zero biases, unit norms. Drawn from a generator of its own, so the same seed gives the same model
    /// whatever else uses torch's global random state.</summary>
    public void InitializeWeights(long seed)
    {
        using var _ = no_grad();
        var generator = new Generator((ulong)seed, Device);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.fill_(1);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            else p.normal_(0, Config.InitializerRange, generator);
        }
    }

    public KvCache NewCache() => new(Config.NumHiddenLayers);

    /// <summary>Training entry: logits [B, T, V] for token ids [B, T], plain causal attention.</summary>
    public override Tensor forward(Tensor inputIds) => Forward(inputIds);

    /// <summary>
    /// Logits for <paramref name="inputIds"/> [B, T].
    /// </summary>
    /// <param name="attentionMask">[B, S] with S = cached + T: 1 for a real token, 0 for padding (left padding
    /// in a batch of prompts). Positions count real tokens only, as HF generate does. Null: all real.</param>
    /// <param name="cache">Keys and values of earlier positions; this call appends the new ones.</param>
    /// <param name="logitsToKeep">Only the last N positions' logits (1 when decoding); 0 for all.</param>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, KvCache? cache = null, int logitsToKeep = 0)
    {
        using var scope = NewDisposeScope();
        long b = inputIds.shape[0], t = inputIds.shape[1];
        long past = cache?.Length ?? 0;
        var device = inputIds.device;

        Tensor positions;
        Tensor? mask = null;
        if (attentionMask is null)
        {
            positions = arange(past, past + t, dtype: ScalarType.Int64, device: device).expand(b, t);
            if (past > 0) mask = AttentionMask(ones(b, past + t, dtype: ScalarType.Bool, device: device), past, t);
        }
        else
        {
            if (attentionMask.shape[1] != past + t)
                throw new ArgumentException($"attention mask covers {attentionMask.shape[1]} positions; {past} cached + {t} new expected");
            var real = attentionMask.to(ScalarType.Bool);
            positions = (real.to(ScalarType.Int64).cumsum(1) - 1).clamp_min(0).narrow(1, past, t);
            // No padding and no cache: the fused causal path.
            if (past > 0 || !real.all().item<bool>()) mask = AttentionMask(real, past, t);
        }

        var (cos, sin) = Rotary.CosSin(inverseFrequencies, positions, DType);
        var h = model.Embeddings.forward(inputIds);
        bool checkpoint = GradientCheckpointing && is_grad_enabled() && cache is null;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            h = checkpoint ? GradientCheckpoint.Run(layer, h, cos, sin, mask) : layer.Forward(h, cos, sin, mask, cache?[i]);
        }
        h = model.Norm(h);
        if (logitsToKeep > 0 && logitsToKeep < t) h = h.narrow(1, t - logitsToKeep, logitsToKeep);
        var logits = lm_head is null ? functional.linear(h, model.Embeddings.weight!) : lm_head.forward(h);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>Boolean [B, 1, T, S]: query i (at absolute index past + i) sees key j when j ≤ past + i and
    /// key j is a real token. A padding query also sees itself, so no row is all-false (which would make
    /// softmax NaN and leak NaN into later layers through the padded rows' values).</summary>
    private static Tensor AttentionMask(Tensor realKeys, long past, long t)
    {
        long s = realKeys.shape[1];
        var device = realKeys.device;
        var queryIndex = arange(past, past + t, device: device).unsqueeze(1);   // [T, 1]
        var keyIndex = arange(0, s, device: device).unsqueeze(0);               // [1, S]
        var causal = keyIndex.le(queryIndex);                                    // [T, S]
        var self = keyIndex.eq(queryIndex);
        return ((causal.unsqueeze(0) & realKeys.unsqueeze(1)) | self.unsqueeze(0)).unsqueeze(1);  // [B, 1, T, S]
    }
}
