using System.Text.Json;
using System.Text.Json.Nodes;
using Star1.Modeling.Training;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// metrics.jsonl for an external run: the Hugging Face Trainer's trainer_state.json log_history (its step logs,
/// those with a loss) as the same <see cref="StepMetrics"/> lines the in-process trainer writes, so Report and the
/// loss curve read either. What the Trainer does not log (token accuracy, trained tokens, throughput) is 0. The
/// Trainer writes trainer_state.json only with a mid-run checkpoint or Trainer.save_state(); without one the
/// metrics file is empty (still valid JSONL) and the stage warns.
/// </summary>
public static class TrainerStateMetrics
{
    public const string FileName = "trainer_state.json";

    /// <summary>The newest trainer_state.json in the checkpoint folder or its checkpoint-N folders, or null.</summary>
    public static string? Find(string folder)
    {
        var top = Path.Combine(folder, FileName);
        if (File.Exists(top)) return top;
        return Directory.GetDirectories(folder, "checkpoint-*")
            .Select(d => (Dir: d, Step: int.TryParse(Path.GetFileName(d)["checkpoint-".Length..], out var n) ? n : -1))
            .OrderByDescending(d => d.Step).Select(d => Path.Combine(d.Dir, FileName)).FirstOrDefault(File.Exists);
    }

    public static IReadOnlyList<StepMetrics> Read(string path)
    {
        JsonNode? history;
        try
        {
            history = JsonNode.Parse(File.ReadAllText(path))?["log_history"];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        if (history is not JsonArray entries) throw new InvalidDataException($"{path}: no log_history list");
        var steps = new List<StepMetrics>();
        foreach (var entry in entries.OfType<JsonObject>())
        {
            // The end-of-training summary has train_loss, not loss: it is not a step.
            if (Number(entry, "loss") is not { } loss) continue;
            steps.Add(new StepMetrics(
                (int)(Number(entry, "step") ?? steps.Count + 1),
                (int)Math.Ceiling(Number(entry, "epoch") ?? 0),
                loss, 0, Number(entry, "learning_rate") ?? 0, Number(entry, "grad_norm") ?? 0, 0, 0));
        }
        return steps;
    }

    private static double? Number(JsonObject entry, string name) =>
        entry[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
