using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Star1.Chat.Formats;
using Star1.Chat.Sft;
using Star1.Chat.Tokenization;
using Star1.Host;
using Star1.Modeling;
using Star1.Modeling.Checkpoints;
using Star1.Modeling.Training;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// Paper section 3.1 / PAPER.md section 5: full fine-tuning of the base model on one training file. Train (STAR-1)
/// and TrainBenign (STAR-1 + benign, section 4.3) are this stage on different inputs.
/// </summary>
public abstract class TrainStageTask : StageTask<BuildContext>
{
    public const string Config = "checkpoint/config.json";
    public const string GenerationConfig = "checkpoint/generation_config.json";
    public const string Weights = "checkpoint/model.safetensors";
    public const string Tokenizer = "checkpoint/tokenizer.json";
    public const string TokenizerConfig = "checkpoint/tokenizer_config.json";
    public const string Metrics = "metrics.jsonl";
    public const string LossCurve = "loss.png";

    /// <summary>The upstream stage and file trained on.</summary>
    protected abstract (string Stage, string File) TrainingFile { get; }

    public override IReadOnlyList<string> ParamKeys => TrainParams.RecipeKeys;

    /// <summary>
    /// train.device "auto" means CUDA on a GPU machine and the CPU elsewhere, and the two train differently (bf16,
    /// checkpointing): the device it resolves to is part of the version, so a shared run-cache never hands a CPU
    /// run's weights to a GPU machine or the other way round.
    /// </summary>
    public override string VersionFor(EffectiveParams parameters) =>
        $"{Version} on {ComputeDevice.Kind(parameters.Get("train.device").AsString())}";
    public override IReadOnlyList<string> Settings => [TrainParams.CheckpointingKey];
    public override IReadOnlyList<string> Reads => [$"{TrainingFile.Stage}/{TrainingFile.File}"];
    public override IReadOnlyList<string> Outputs => [Config, GenerationConfig, Weights, Tokenizer, TokenizerConfig, Metrics, LossCurve];

    /// <summary>The base model's identity: its config, weights and tokenizer files, or the embedded tokenizer for tiny.</summary>
    public override IEnumerable<string> DataFiles(EffectiveParams parameters, string repoRoot) =>
        BaseModel.From(parameters.Get("train.base_model").AsString(), repoRoot).IdentityFiles();

    public override string? Preflight(EffectiveParams parameters, string repoRoot)
    {
        try
        {
            var p = TrainParams.Read(parameters.Get);
            ComputeDevice.Resolve(p.Device);
            var model = BaseModel.From(p.BaseModel, repoRoot);
            if (model.Problem() is { } problem) return problem;
            model.Format(p.ChatFormat);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ParamsException or NotSupportedException)
        {
            return e.Message;
        }
    }

    public override string? Estimate(StageEstimateContext context)
    {
        try
        {
            var p = TrainParams.Read(context.Params.Get);
            var device = ComputeDevice.Resolve(p.Device);
            var (dtype, checkpointing) = p.NumericsOn(device);
            var model = BaseModel.From(p.BaseModel, context.RepoRoot);
            if (model.Problem() is not null) return null;
            bool cuda = device.type == TorchSharp.DeviceType.CUDA;
            var e = MemoryEstimate.For(model.Config(), p.Recipe.MicroBatch, p.Sequences.MaxLength, dtype == TorchSharp.torch.ScalarType.BFloat16, checkpointing, cuda);
            var available = DeviceMemory.Total(cuda);
            var verdict = available is { } a ? (e.Total <= a ? $"fits in {MemoryEstimate.Gib(a)}" : $"does NOT fit in {MemoryEstimate.Gib(a)}") : "device memory unknown";
            return $"peak ~{MemoryEstimate.Gib(e.Total)} on {device} ({e.Parameters / 1e6:0.##}M params {(cuda ? dtype.ToString() : "fp32")}: weights {MemoryEstimate.Gib(e.Weights)}, grads {MemoryEstimate.Gib(e.Gradients)}, AdamW {MemoryEstimate.Gib(e.Optimizer)}, activations {MemoryEstimate.Gib(e.Activations)}{(checkpointing ? " checkpointed" : "")}, logits {MemoryEstimate.Gib(e.Logits)} at {p.Recipe.MicroBatch}x{p.Sequences.MaxLength}); {verdict}";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ParamsException or NotSupportedException or IOException)
        {
            return null;
        }
    }

    public override Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var p = TrainParams.Read(stage.Param);
        var device = ComputeDevice.Resolve(p.Device);
        var (dtype, checkpointing) = p.NumericsOn(device);
        if (device.type != TorchSharp.DeviceType.CUDA && p.Precision == "bf16")
            stage.Reporter.Warn($"{stage.StageName}: train.precision bf16 is for CUDA; training in fp32 on {device}");
        var baseModel = BaseModel.From(p.BaseModel, stage.RepoRoot);
        var format = baseModel.Format(p.ChatFormat);

        var input = stage.Input(TrainingFile.Stage, TrainingFile.File);
        var items = TrainingSetReader.Read(input);
        using var tokenizer = baseModel.LoadTokenizer();
        var template = new ChatTemplate(format, tokenizer);
        IReadOnlyList<SftSequence> sequences;
        try
        {
            sequences = SftBuilder.BuildAll(items, template, p.Sequences);
        }
        catch (InvalidDataException e)
        {
            // The builder names the item; the user also needs the file it came from.
            throw new InvalidDataException($"{input}: {e.Message}", e);
        }
        var truncated = sequences.Count(s => s.TruncatedTokens > 0);
        stage.Reporter.Info($"{stage.StageName}: {sequences.Count} sequences ({sequences.Sum(s => s.Length)} tokens, {truncated} cut to the last {p.Sequences.MaxLength}) "
            + $"from {Path.GetFileName(input)}, base model {baseModel.Spec}, {format.Name}, {device} {dtype}");

        using var model = baseModel.Load(dtype, device, p.Recipe.Seed);
        var recipe = p.Recipe with { GradientCheckpointing = checkpointing };
        var padId = tokenizer.EosId ?? template.EndOfTurnId;
        var resumeDir = Path.Combine(stage.CacheDir("resume"), RunKey(stage, input, baseModel));
        var trainer = new SftTrainer(model, recipe, padId);
        var result = trainer.Train(sequences, resumeDir, progress => stage.Reporter.Progress(stage.StageName, "optimizer steps", progress.Step, progress.TotalSteps,
            $"loss {progress.Last.Loss:0.000} acc {progress.Last.TokenAccuracy:0.000} lr {progress.Last.LearningRate:0.###e0} {progress.Last.TokensPerSecond:0} tok/s"), ct: ct);
        if (result.ResumedAfterEpoch > 0) stage.Reporter.Info($"{stage.StageName}: resumed after epoch {result.ResumedAfterEpoch} from {resumeDir}");

        WriteCheckpoint(stage, model, baseModel);
        File.WriteAllLines(stage.Output(Metrics), result.Steps.Select(s => JsonSerializer.Serialize(s)));
        LossPlot.Save(result.Steps, stage.Output(LossCurve), $"{stage.StageName}: {baseModel.Spec} on {Path.GetFileName(input)}");

        stage.RecordMetric("steps", result.Steps.Count);
        stage.RecordMetric("first_loss", result.Steps[0].Loss);
        stage.RecordMetric("final_loss", result.Steps[^1].Loss);
        stage.RecordMetric("seconds", clock.Elapsed.TotalSeconds);
        stage.Reporter.Info($"{stage.StageName}: {result.Steps.Count} steps, loss {result.Steps[0].Loss:0.000} -> {result.Steps[^1].Loss:0.000}, {clock.Elapsed.TotalSeconds:0} s");
        // The outputs are staged; the epoch checkpoints were only there to survive a kill.
        Directory.Delete(resumeDir, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The resume folder's name: a hash of everything the weights depend on (the training file, the recipe keys,
    /// the base model's files, the trainer's and this stage's code), so an epoch checkpoint is only ever continued
    /// by the very run that wrote it.
    /// </summary>
    private string RunKey(StageContext stage, string input, BaseModel baseModel)
    {
        var key = new StringBuilder();
        key.Append("data ").AppendLine(stage.FileHash(input));
        foreach (var k in TrainParams.RecipeKeys) key.Append(k).Append(' ').AppendLine(stage.Param(k).ToCanonicalJson());
        foreach (var f in baseModel.IdentityFiles()) key.Append("model ").Append(Path.GetFileName(f)).Append(' ').AppendLine(stage.FileHash(f));
        key.Append("code ").Append(stage.CodeHashOf(typeof(SftTrainer))).Append(' ').AppendLine(stage.CodeHashOf(GetType()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..24];
    }

    /// <summary>Saves through CheckpointSaver (HF names, config, generation config) as one safetensors file, since
    /// stage outputs are fixed file names, then moves each declared file into the stage's staging folder.</summary>
    private static void WriteCheckpoint(StageContext stage, Modeling.Architectures.CausalLm model, BaseModel baseModel)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"star1-train-{Guid.NewGuid():N}");
        try
        {
            CheckpointSaver.Save(model, temp, baseModel.Folder, maxShardBytes: long.MaxValue);
            if (baseModel.IsTiny) EmbeddedTokenizer.WriteTo(temp);
            foreach (var output in new[] { Config, GenerationConfig, Weights, Tokenizer, TokenizerConfig })
            {
                var from = Path.Combine(temp, Path.GetFileName(output));
                if (!File.Exists(from))
                    throw new FileNotFoundException($"the base model {baseModel.Spec} has no {Path.GetFileName(output)} to copy into the trained checkpoint", from);
                File.Move(from, stage.Output(output), overwrite: true);
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }
}
