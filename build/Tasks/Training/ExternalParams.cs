using Star1.Pipeline.Params;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// train.backend and the train.external.* group: which trainer runs, and for the external one the command template
/// and what it needs to know about the launch (processes, ZeRO stage). Read strictly: a bad value names its key.
/// </summary>
public sealed record ExternalParams(string Command, string Workdir, int Gpus, int ZeroStage, double TimeoutHours)
{
    public const string BackendKey = "train.backend";
    public const string Torchsharp = "torchsharp";
    public const string External = "external";

    public const string CommandKey = "train.external.command";
    public const string WorkdirKey = "train.external.workdir";
    public const string GpusKey = "train.external.gpus";
    public const string ZeroStageKey = "train.external.zero_stage";
    public const string VersionKey = "train.external.version";
    public const string TimeoutKey = "train.external.timeout_hours";

    /// <summary>
    /// The external keys that decide the trained weights, fingerprinted when the backend is external. The trainer's
    /// own code is outside the hash: the command string (with its pinned versions) and train.external.version (a hand
    /// knob to bump after updating the trainer in place) stand for it. The timeout is a setting: it never changes a weight.
    /// </summary>
    public static readonly string[] Keys = [CommandKey, WorkdirKey, GpusKey, ZeroStageKey, VersionKey];

    /// <summary>True for external, false for torchsharp; any other value is an error naming the key.</summary>
    public static bool IsExternal(Func<string, ParamNode> param) =>
        param(BackendKey).AsString().Trim().ToLowerInvariant() switch
        {
            Torchsharp => false,
            External => true,
            var other => throw new ArgumentException($"{BackendKey} '{other}': expected {Torchsharp} or {External}"),
        };

    public static ExternalParams Read(Func<string, ParamNode> param)
    {
        var command = param(CommandKey).AsString();
        if (command.Trim().Length == 0) throw new ArgumentException($"{CommandKey} is empty: with {BackendKey} {External} it is the command that trains");
        CommandTemplate.Check(command, CommandKey);
        var gpus = param(GpusKey).AsInt();
        if (gpus < 1) throw new ArgumentException($"{GpusKey} {gpus}: the number of training processes (one per GPU, all nodes together) must be at least 1");
        var stage = param(ZeroStageKey).AsInt();
        if (stage is < 0 or > 3) throw new ArgumentException($"{ZeroStageKey} {stage}: DeepSpeed ZeRO stages are 0, 1, 2 and 3");
        var timeout = param(TimeoutKey).AsDouble();
        if (timeout <= 0) throw new ArgumentException($"{TimeoutKey} {timeout}: must be a positive number of hours");
        return new ExternalParams(command, param(WorkdirKey).AsString().Trim(), (int)gpus, (int)stage, timeout);
    }

    /// <summary>
    /// Sequences per GPU per optimizer step summed up: train.global_batch must split evenly over
    /// train.micro_batch x train.external.gpus, or the external run would not take the recipe's optimizer steps.
    /// </summary>
    public int AccumulationSteps(int globalBatch, int microBatch)
    {
        if (globalBatch % (microBatch * Gpus) != 0)
            throw new ArgumentException($"train.global_batch {globalBatch} is not a multiple of train.micro_batch {microBatch} x {GpusKey} {Gpus}: "
                + "the external trainer could not take the recipe's global batch per optimizer step");
        return globalBatch / (microBatch * Gpus);
    }
}
