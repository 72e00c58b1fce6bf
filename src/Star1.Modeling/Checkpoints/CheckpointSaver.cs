using System.Text.Json;
using System.Text.Json.Nodes;
using Star1.Modeling.Architectures;
using static TorchSharp.torch;

namespace Star1.Modeling.Checkpoints;

/// <summary>
/// Writes a model as a Hugging Face checkpoint folder that transformers and vLLM load: config.json,
/// model.safetensors (or model-0000i-of-0000n.safetensors shards plus model.safetensors.index.json when
/// the weights exceed <c>maxShardBytes</c>), generation_config.json, and the tokenizer files of the base
/// model's folder. The folder is written beside its destination and renamed into place, so a killed save
/// never leaves a half checkpoint under the final name.
/// </summary>
public static class CheckpointSaver
{
    /// <summary>transformers' default max_shard_size for save_pretrained.</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>Tokenizer and chat-template files copied from the source folder when present.</summary>
    public static readonly string[] TokenizerFiles =
    [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
        "vocab.json", "merges.txt", "tokenizer.model", "chat_template.jinja", "chat_template.json",
    ];

    public static void Save(CausalLm model, string destination, string? sourceFolder = null, long maxShardBytes = DefaultMaxShardBytes)
    {
        var full = Path.GetFullPath(destination);
        var staging = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            WriteWeights(model, staging, maxShardBytes);
            WriteJson(Path.Combine(staging, "config.json"), model.Config.WithTorchDtype(model.DType).Json);
            var generation = sourceFolder is null ? null : Path.Combine(sourceFolder, "generation_config.json");
            if (generation is not null && File.Exists(generation))
                File.Copy(generation, Path.Combine(staging, "generation_config.json"));
            else
                WriteJson(Path.Combine(staging, "generation_config.json"), GenerationConfig(model.Config));
            if (sourceFolder is not null)
                foreach (var name in TokenizerFiles.Where(n => File.Exists(Path.Combine(sourceFolder, n))))
                    File.Copy(Path.Combine(sourceFolder, name), Path.Combine(staging, name));
            if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
            Directory.Move(staging, full);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    static void WriteWeights(CausalLm model, string folder, long maxShardBytes)
    {
        // transformers' rule: tensors in state-dict order; a shard is closed when the next tensor would
        // take it past the limit (a tensor larger than the limit gets a shard of its own).
        var shards = new List<List<(string Name, Tensor Tensor)>> { new() };
        long shardBytes = 0, total = 0;
        foreach (var (name, t) in model.state_dict())
        {
            long size = t.numel() * SafeTensors.ElementSize(t.dtype);
            if (shards[^1].Count > 0 && shardBytes + size > maxShardBytes)
            {
                shards.Add(new());
                shardBytes = 0;
            }
            shards[^1].Add((name, t));
            shardBytes += size;
            total += size;
        }
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (shards.Count == 1)
        {
            SafeTensors.Write(Path.Combine(folder, CheckpointLoader.SingleFile), shards[0], metadata);
            return;
        }
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            var file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafeTensors.Write(Path.Combine(folder, file), shards[i], metadata);
            foreach (var (name, _) in shards[i]) weightMap[name] = file;
        }
        WriteJson(Path.Combine(folder, CheckpointLoader.IndexFile), new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = total },
            ["weight_map"] = new JsonObject(weightMap.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
        });
    }

    static JsonObject GenerationConfig(ModelConfig c)
    {
        var json = new JsonObject();
        if (c.BosTokenId is { } bos) json["bos_token_id"] = bos;
        if (c.EosTokenIds.Count == 1) json["eos_token_id"] = c.EosTokenIds[0];
        else if (c.EosTokenIds.Count > 1) json["eos_token_id"] = new JsonArray(c.EosTokenIds.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray());
        return json;
    }

    static void WriteJson(string path, JsonNode json) =>
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
