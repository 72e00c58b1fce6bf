using System.Text.Json;

namespace Star1.Modeling.Training;

/// <summary>
/// The state a run needs to continue after a finished epoch: the optimizer's fp32 masters and moments (which
/// also restore the weights) and a small JSON file with the epoch, the step and the metrics so far. The shuffle
/// of epoch e is a function of the seed and e, so no random state beyond the epoch number is needed. Each
/// checkpoint is written into a temporary folder and renamed, and the previous one is deleted only after, so a
/// kill at any moment leaves the last finished epoch intact.
/// </summary>
internal static class EpochCheckpoint
{
    private const string OptimizerFile = "optimizer.safetensors";
    private const string StateFile = "state.json";

    private sealed record State(int Epoch, int Step, List<StepMetrics> Metrics);

    public static void Save(string dir, int epoch, AdamW optimizer, IReadOnlyList<StepMetrics> metrics)
    {
        Directory.CreateDirectory(dir);
        var final = Path.Combine(dir, $"epoch-{epoch:D4}");
        var temp = Path.Combine(dir, $".epoch-{epoch:D4}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        optimizer.Save(Path.Combine(temp, OptimizerFile));
        File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(new State(epoch, optimizer.Step, [.. metrics])));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temp, final);
        foreach (var old in Directory.GetDirectories(dir).Where(d => Path.GetFileName(d) != Path.GetFileName(final)))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>Restores the latest finished epoch into <paramref name="optimizer"/> (and so the model); returns
    /// that epoch (0: none, a fresh start) and its metrics.</summary>
    public static (int Epoch, List<StepMetrics> Metrics) TryRestore(string dir, AdamW optimizer)
    {
        if (!Directory.Exists(dir)) return (0, []);
        var latest = Directory.GetDirectories(dir, "epoch-*").Where(d => File.Exists(Path.Combine(d, StateFile)))
            .OrderBy(d => d, StringComparer.Ordinal).LastOrDefault();
        if (latest is null) return (0, []);
        var state = JsonSerializer.Deserialize<State>(File.ReadAllText(Path.Combine(latest, StateFile)))
            ?? throw new InvalidDataException($"{latest}: empty {StateFile}");
        optimizer.Load(Path.Combine(latest, OptimizerFile), state.Step);
        return (state.Epoch, state.Metrics);
    }
}
