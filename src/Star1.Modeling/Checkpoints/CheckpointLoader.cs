using System.Text.Json.Nodes;
using Star1.Modeling.Architectures;
using static TorchSharp.torch;

namespace Star1.Modeling.Checkpoints;

/// <summary>A checkpoint that does not fit the model; the message names the file and the tensor.</summary>
public sealed class CheckpointMismatchException(string message) : Exception(message);

/// <summary>
/// Loads Hugging Face safetensors weights (one model.safetensors, or shards listed by
/// model.safetensors.index.json) into a model whose parameter names are the tensor names. Every header
/// is checked first (names, shapes, dtypes) so a wrong checkpoint fails before anything is read; then
/// the shards are read one at a time, each tensor straight into its parameter.
/// </summary>
public static class CheckpointLoader
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>Builds the model config.json describes and loads its weights.</summary>
    /// <param name="dtype">Parameter dtype; null keeps the checkpoint's torch_dtype. Another dtype converts
    /// while loading (fp32 training of a bf16 checkpoint on CPU).</param>
    public static CausalLm LoadModel(string folder, Device? device = null, ScalarType? dtype = null)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{folder}: no config.json", configPath);
        var config = ModelConfig.Load(configPath);
        var model = CausalLm.Create(config, dtype, device);
        try
        {
            Load(model, folder, allowDtypeConversion: model.DType != config.TorchDtype);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>The safetensors files of a checkpoint folder, in load order.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        var index = Path.Combine(folder, IndexFile);
        if (File.Exists(index))
        {
            var json = JsonNode.Parse(File.ReadAllText(index)) as JsonObject;
            if (json?["weight_map"] is not JsonObject map)
                throw new InvalidDataException($"{index}: no weight_map");
            return map.Select(kv => kv.Value!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal)
                .Select(f => Path.Combine(folder, f)).ToArray();
        }
        var single = Path.Combine(folder, SingleFile);
        if (File.Exists(single)) return [single];
        throw new FileNotFoundException($"{folder}: neither {SingleFile} nor {IndexFile} is there");
    }

    public static void Load(nn.Module model, string folder, bool allowDtypeConversion = false)
    {
        var files = WeightFiles(folder);
        var parameters = model.state_dict();
        bool tied = model is CausalLm { Config.TieWordEmbeddings: true };

        // Pass 1: headers only. Every problem is found before a byte of weights is read.
        var plan = new List<(string File, List<(SafeTensorEntry Entry, Tensor Target)> Tensors)>();
        var seen = new Dictionary<string, string>();
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"{file}: listed in {IndexFile} but missing", file);
            var list = new List<(SafeTensorEntry, Tensor)>();
            foreach (var entry in SafeTensors.ReadHeader(file))
            {
                if (seen.TryGetValue(entry.Name, out var other))
                    throw new CheckpointMismatchException($"{file}: tensor '{entry.Name}' is also in {Path.GetFileName(other)}");
                seen[entry.Name] = file;
                if (!parameters.TryGetValue(entry.Name, out var target))
                {
                    // A tied checkpoint may still carry lm_head.weight (a copy of the embeddings); HF ignores it too.
                    if (tied && entry.Name == "lm_head.weight") continue;
                    throw new CheckpointMismatchException($"{file}: unexpected tensor '{entry.Name}': the {Describe(model)} has no such parameter");
                }
                if (!entry.Shape.SequenceEqual(target.shape))
                    throw new CheckpointMismatchException($"{file}: tensor '{entry.Name}' has shape {Shape(entry.Shape)} but the model expects {Shape(target.shape)} (does config.json match the weights?)");
                if (entry.DType != target.dtype && !(allowDtypeConversion && IsFloat(entry.DType)))
                    throw new CheckpointMismatchException($"{file}: tensor '{entry.Name}' is {entry.DType} but the model's parameter is {target.dtype}");
                list.Add((entry, target));
            }
            plan.Add((file, list));
        }
        var missing = parameters.Keys.Where(k => !seen.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new CheckpointMismatchException(
                $"{folder}: {missing.Count} tensor(s) missing from {string.Join(", ", files.Select(Path.GetFileName))}: {string.Join(", ", missing.Take(10).Select(m => $"'{m}'"))}{(missing.Count > 10 ? ", ..." : "")}");

        // Pass 2: shard by shard, tensor by tensor.
        using var _ = no_grad();
        foreach (var (file, tensors) in plan)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            foreach (var (entry, target) in tensors)
            {
                if (target.device_type == TorchSharp.DeviceType.CPU && target.dtype == entry.DType && target.is_contiguous())
                {
                    SafeTensors.ReadInto(stream, entry, target);
                    continue;
                }
                using var staging = empty(entry.Shape, entry.DType);
                SafeTensors.ReadInto(stream, entry, staging);
                target.copy_(staging);
            }
        }
    }

    static string Describe(nn.Module model) => model is CausalLm lm ? $"{lm.Config.ModelType} model built from config.json" : "model";
    static string Shape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
    static bool IsFloat(ScalarType t) => t is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64;
}
