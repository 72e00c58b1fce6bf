using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Star1.Chat.Formats;
using Star1.Chat.Sft;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// train.backend external: training past one GPU by an existing distributed trainer (accelerate/torchrun with
/// DeepSpeed ZeRO, as the paper's 14B and 32B need). The stage writes what the trainer reads (the chat JSONL, the
/// DeepSpeed config, the training arguments) into a run folder of its own cache, runs train.external.command with
/// the placeholders filled in, and takes back the checkpoint the command saved into the staged checkpoint/, which
/// the engine then hashes and commits like the in-process trainer's.
/// </summary>
public static class ExternalTrainer
{
    /// <summary>The stage cache holding one folder per run key with the files handed to the command; they are
    /// kept after a run (to inspect, or to re-launch by hand), and Gc drops those no kept run used.</summary>
    public const string Cache = "external";

    /// <summary>The longest timeout honoured: a cancellation timer cannot count further.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(40);

    public sealed record Outcome(IReadOnlyList<Modeling.Training.StepMetrics> Steps, string? StateFile);

    public static async Task<Outcome> RunAsync(StageContext stage, TrainParams p, ExternalParams external, BaseModel baseModel,
        IReadOnlyList<SftItem> items, ChatFormat format, string runKey, string checkpoint, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var folder = Path.Combine(stage.CacheDir(Cache), runKey);
        // The same key means the same files: start clean so nothing a killed run left can be read as this run's.
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        stage.RecordCacheUse(Cache, [runKey]);
        var paths = new ExternalPaths(folder, baseModel.Folder ?? baseModel.Spec, checkpoint);
        Directory.CreateDirectory(paths.DataDir);

        var count = ChatJsonl.Write(items, p.Sequences, format, paths.Data);
        WriteJson(paths.DeepSpeedConfig, DeepSpeedConfig.Build(p, external));
        WriteJson(paths.TrainingArgs, TrainingArgsFile.Build(p, external, paths));

        var command = CommandTemplate.Render(external.Command, ExternalParams.CommandKey, Values(p, external, paths));
        var workdir = Path.GetFullPath(Path.Combine(stage.RepoRoot, external.Workdir));
        if (!Directory.Exists(workdir)) throw new DirectoryNotFoundException($"{ExternalParams.WorkdirKey}: {workdir} does not exist");
        stage.Reporter.Info($"{stage.StageName}: {count} examples as {Path.GetRelativePath(stage.RepoRoot, paths.Data)}, base model {baseModel.Spec}, {format.Name}; "
            + $"external trainer on {external.Gpus} GPU(s), ZeRO stage {external.ZeroStage}");
        stage.Reporter.Info($"{stage.StageName}: running in {workdir}: {command}");

        var timeout = TimeSpan.FromHours(external.TimeoutHours) is var t && t < MaxTimeout ? t : MaxTimeout;
        var result = await ExternalProcess.RunAsync(command, workdir, timeout, line => stage.Reporter.Info($"{stage.StageName} | {line}"), ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{stage.StageName}: the external trainer ({ExternalParams.CommandKey}) exited with code {result.ExitCode}; "
                + $"its last {result.Tail.Count} line(s):\n" + string.Join("\n", result.Tail.Select(l => "  " + l)));

        var state = TrainerStateMetrics.Find(checkpoint);
        var steps = state is null ? [] : TrainerStateMetrics.Read(state);
        foreach (var dropped in TakenCheckpoint.DropIntermediate(checkpoint))
            stage.Reporter.Info($"{stage.StageName}: removed the mid-run checkpoint {Path.GetFileName(dropped)} from the output (only the final model is kept)");
        TakenCheckpoint.Check(checkpoint);
        stage.Reporter.Info($"{stage.StageName}: the external trainer finished in {clock.Elapsed.TotalSeconds:0} s; checkpoint taken from {checkpoint}");
        return new Outcome(steps, state);
    }

    /// <summary>What each placeholder stands for in this run (CommandTemplate.Known lists them).</summary>
    private static Dictionary<string, string> Values(TrainParams p, ExternalParams external, ExternalPaths paths) => new(StringComparer.Ordinal)
    {
        ["data"] = paths.Data,
        ["data_dir"] = paths.DataDir,
        ["deepspeed_config"] = paths.DeepSpeedConfig,
        ["training_args"] = paths.TrainingArgs,
        ["base_model"] = paths.BaseModel,
        ["output_dir"] = paths.OutputDir,
        ["epochs"] = Invariant(p.Recipe.Epochs),
        ["learning_rate"] = Invariant(p.Recipe.LearningRate),
        ["seed"] = Invariant(p.Recipe.Seed),
        ["max_length"] = Invariant(p.Sequences.MaxLength),
        ["gpus"] = Invariant(external.Gpus),
        ["zero_stage"] = Invariant(external.ZeroStage),
    };

    private static string Invariant(IFormattable value) => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteJson(string path, JsonObject json) =>
        // Relaxed escaping: paths and values as a person (and grep) would write them; it is still plain JSON.
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
}
