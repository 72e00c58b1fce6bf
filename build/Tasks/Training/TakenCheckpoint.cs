using System.Text.Json;
using System.Text.Json.Nodes;
using Star1.Modeling.Checkpoints;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// What the stage checks of the checkpoint an external trainer saved into the staged checkpoint/ before the engine
/// hashes and commits it: the files Generate and the evaluation stages load (config.json, the weights as one
/// model.safetensors or an index whose every shard is there, and tokenizer.json: the trained model is loaded with its
/// own tokenizer). A failure names the folder and what is missing.
/// </summary>
public static class TakenCheckpoint
{
    public static void Check(string folder)
    {
        var missing = new List<string>();
        if (!File.Exists(Path.Combine(folder, "config.json"))) missing.Add("config.json");
        var single = Path.Combine(folder, "model.safetensors");
        var index = Path.Combine(folder, CheckpointLoader.IndexFile);
        if (File.Exists(index))
        {
            foreach (var shard in Shards(index))
                if (!File.Exists(Path.Combine(folder, shard))) missing.Add($"{shard} (named in {CheckpointLoader.IndexFile})");
        }
        else if (!File.Exists(single))
        {
            missing.Add($"model.safetensors or {CheckpointLoader.IndexFile}");
        }
        if (!File.Exists(Path.Combine(folder, "tokenizer.json"))) missing.Add("tokenizer.json");
        if (missing.Count > 0)
            throw new InvalidDataException($"the external trainer's checkpoint in {folder} is not a usable Hugging Face checkpoint: missing {string.Join(", ", missing)}. "
                + "The command must save the final model and its tokenizer (save_pretrained / Trainer.save_model) into {output_dir}");
    }

    private static IEnumerable<string> Shards(string index)
    {
        JsonNode? map;
        try
        {
            map = JsonNode.Parse(File.ReadAllText(index))?["weight_map"];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{index}: not valid JSON ({e.Message})", e);
        }
        if (map is not JsonObject weights || weights.Count == 0) throw new InvalidDataException($"{index}: no weight_map");
        return weights.Select(kv => kv.Value?.GetValue<string>() ?? throw new InvalidDataException($"{index}: weight_map[{kv.Key}] is not a file name")).Distinct();
    }

    /// <summary>
    /// Mid-run checkpoint-N folders (weights plus optimizer state) that a trainer saved despite save_strategy "no":
    /// they are not the model and would make the output many times its size. Returns the folders removed.
    /// </summary>
    public static IReadOnlyList<string> DropIntermediate(string folder)
    {
        var dropped = Directory.GetDirectories(folder, "checkpoint-*").Order(StringComparer.Ordinal).ToList();
        foreach (var d in dropped) Directory.Delete(d, recursive: true);
        return dropped;
    }
}
