using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Star1.Modeling.Architectures;

/// <summary>RoPE frequency scaling from config.json's <c>rope_scaling</c> (null: plain RoPE).</summary>
public sealed record RopeScaling(
    string Type,
    double Factor,
    double LowFreqFactor = 1,
    double HighFreqFactor = 4,
    int OriginalMaxPositionEmbeddings = 8192);

/// <summary>
/// What the architectures need from a Hugging Face <c>config.json</c>. Defaults are those of
/// transformers' Qwen2Config / LlamaConfig where a checkpoint may leave a key out. The file's own JSON is
/// kept (<see cref="Json"/>) so a saved checkpoint writes back every key, including ones we do not use.
/// </summary>
public sealed record ModelConfig
{
    public required string ModelType { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public int HeadDim => HiddenSize / NumAttentionHeads;
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000;
    public RopeScaling? RopeScaling { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 32768;
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on q/k/v projections: true for Qwen2, false (attention_bias) for Llama.</summary>
    public bool AttentionBias { get; init; }
    /// <summary>The checkpoint's storage dtype (torch_dtype), float32 when absent.</summary>
    public torch.ScalarType TorchDtype { get; init; } = torch.ScalarType.Float32;
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public double InitializerRange { get; init; } = 0.02;
    /// <summary>The config.json object as read (or as built for a new model).</summary>
    public JsonObject Json { get; init; } = new();

    public static ModelConfig Load(string configJsonPath)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(configJsonPath)) as JsonObject
                ?? throw new InvalidDataException($"{configJsonPath}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configJsonPath}: not valid JSON ({e.Message})", e);
        }
        return FromJson(json, configJsonPath);
    }

    public static ModelConfig FromJson(JsonObject json, string source = "config.json")
    {
        string type = Str(json, "model_type", source) ?? throw Missing(source, "model_type");
        if (type is not ("qwen2" or "llama"))
            throw new NotSupportedException($"{source}: model_type '{type}' is not supported (qwen2 and llama are)");
        int heads = Int(json, "num_attention_heads", source) ?? throw Missing(source, "num_attention_heads");
        int hidden = Int(json, "hidden_size", source) ?? throw Missing(source, "hidden_size");
        if (json["head_dim"] is JsonValue hd && hd.GetValue<int>() != hidden / heads)
            throw new NotSupportedException($"{source}: head_dim {hd} differs from hidden_size / num_attention_heads ({hidden / heads})");
        var config = new ModelConfig
        {
            ModelType = type,
            VocabSize = Int(json, "vocab_size", source) ?? throw Missing(source, "vocab_size"),
            HiddenSize = hidden,
            IntermediateSize = Int(json, "intermediate_size", source) ?? throw Missing(source, "intermediate_size"),
            NumHiddenLayers = Int(json, "num_hidden_layers", source) ?? throw Missing(source, "num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Int(json, "num_key_value_heads", source) ?? heads,
            RmsNormEps = Num(json, "rms_norm_eps", source) ?? 1e-6,
            RopeTheta = Num(json, "rope_theta", source) ?? 10000,
            RopeScaling = ReadRopeScaling(json, source),
            MaxPositionEmbeddings = Int(json, "max_position_embeddings", source) ?? 32768,
            TieWordEmbeddings = Bool(json, "tie_word_embeddings") ?? false,
            AttentionBias = type == "qwen2" || (Bool(json, "attention_bias") ?? false),
            TorchDtype = ParseDtype(Str(json, "torch_dtype", source) ?? "float32", source),
            BosTokenId = Int(json, "bos_token_id", source),
            EosTokenIds = json["eos_token_id"] switch
            {
                JsonArray a => a.Select(x => x!.GetValue<int>()).ToArray(),
                JsonValue v => [v.GetValue<int>()],
                _ => [],
            },
            InitializerRange = Num(json, "initializer_range", source) ?? 0.02,
            Json = json,
        };
        if (config.NumAttentionHeads % config.NumKeyValueHeads != 0)
            throw new InvalidDataException($"{source}: num_attention_heads {heads} is not a multiple of num_key_value_heads {config.NumKeyValueHeads}");
        if (Bool(json, "mlp_bias") == true)
            throw new NotSupportedException($"{source}: mlp_bias is true; the SwiGLU projections here have no bias (no Llama 3.x checkpoint sets it)");
        if (type == "qwen2" && Bool(json, "use_sliding_window") == true)
            throw new NotSupportedException($"{source}: use_sliding_window is true; sliding-window attention is not implemented (no R1-Distill or Qwen2.5 checkpoint enables it)");
        return config;
    }

    /// <summary>A copy whose JSON says <paramref name="dtype"/> is the storage type (what a save writes).</summary>
    public ModelConfig WithTorchDtype(torch.ScalarType dtype)
    {
        var json = (JsonObject)Json.DeepClone();
        json["torch_dtype"] = DtypeName(dtype);
        return this with { TorchDtype = dtype, Json = json };
    }

    public static torch.ScalarType ParseDtype(string name, string source = "config.json") => name switch
    {
        "float32" or "fp32" => torch.ScalarType.Float32,
        "bfloat16" or "bf16" => torch.ScalarType.BFloat16,
        "float16" or "fp16" => torch.ScalarType.Float16,
        _ => throw new NotSupportedException($"{source}: torch_dtype '{name}' is not supported (float32, bfloat16, float16)"),
    };

    public static string DtypeName(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float16 => "float16",
        _ => throw new NotSupportedException($"dtype {dtype} is not a model dtype"),
    };

    static RopeScaling? ReadRopeScaling(JsonObject json, string source)
    {
        if (json["rope_scaling"] is not JsonObject rs) return null;
        // transformers accepts "rope_type" (current) or "type" (older configs).
        string type = (rs["rope_type"] ?? rs["type"])?.GetValue<string>() ?? "default";
        if (type == "default") return null;
        if (type is not ("llama3" or "linear"))
            throw new NotSupportedException($"{source}: rope_scaling type '{type}' is not supported (default, linear, llama3)");
        double factor = rs["factor"]?.GetValue<double>() ?? throw Missing(source, "rope_scaling.factor");
        return type == "linear"
            ? new RopeScaling(type, factor)
            : new RopeScaling(type, factor,
                rs["low_freq_factor"]?.GetValue<double>() ?? throw Missing(source, "rope_scaling.low_freq_factor"),
                rs["high_freq_factor"]?.GetValue<double>() ?? throw Missing(source, "rope_scaling.high_freq_factor"),
                rs["original_max_position_embeddings"]?.GetValue<int>() ?? throw Missing(source, "rope_scaling.original_max_position_embeddings"));
    }

    static InvalidDataException Missing(string source, string key) => new($"{source}: required key '{key}' is missing");

    static string? Str(JsonObject j, string key, string source) => j[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        var other => throw new InvalidDataException($"{source}: '{key}' should be text, found {other.ToJsonString()}"),
    };

    static int? Int(JsonObject j, string key, string source) => j[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int i) => i,
        var other => throw new InvalidDataException($"{source}: '{key}' should be a whole number, found {other.ToJsonString()}"),
    };

    static double? Num(JsonObject j, string key, string source) => j[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out double d) => d,
        var other => throw new InvalidDataException($"{source}: '{key}' should be a number, found {other.ToJsonString()}"),
    };

    static bool? Bool(JsonObject j, string key) => j[key] is JsonValue v && v.TryGetValue(out bool b) ? b : null;
}
