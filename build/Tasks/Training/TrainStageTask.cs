using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Star1.Chat.Formats;
using Star1.Chat.Sft;
using Star1.Chat.Tokenization;
using Star1.Data.Collect.Sources;
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
    /// <summary>The trained model in the Hugging Face layout: config.json, generation_config.json, the tokenizer
    /// files and the weights, as shards plus model.safetensors.index.json once they exceed train.max_shard_size.</summary>
    public const string Checkpoint = "checkpoint/";
    public const string Metrics = "metrics.jsonl";
    public const string LossCurve = "loss.png";

    /// <summary>The upstream stage and file trained on.</summary>
    protected abstract (string Stage, string File) TrainingFile { get; }

    /// <summary>The recipe, and the shard size: it does not change a weight, but it decides which files the checkpoint has.</summary>
    public override IReadOnlyList<string> ParamKeys => [.. TrainParams.RecipeKeys, TrainParams.ShardSizeKey, ExternalParams.BackendKey];

    /// <summary>With train.backend external, the train.external keys that decide the weights (ExternalParams.Keys).</summary>
    public override IEnumerable<string> ParamKeysFrom(EffectiveParams parameters) => IsExternal(parameters.Get) ? ExternalParams.Keys : [];

    /// <summary>A bad train.backend is Preflight's to name; here it only means "no external keys".</summary>
    private static bool IsExternal(Func<string, ParamNode> param)
    {
        try { return ExternalParams.IsExternal(param); }
        catch (ArgumentException) { return false; }
    }

    /// <summary>
    /// train.device "auto" means CUDA on a GPU machine and the CPU elsewhere, and the two train differently (bf16,
    /// checkpointing): the device it resolves to is part of the version, so a shared run-cache never hands a CPU
    /// run's weights to a GPU machine or the other way round.
    /// </summary>
    public override string VersionFor(EffectiveParams parameters) => IsExternal(parameters.Get)
        // The external trainer runs where its command sends it: this machine's device decides nothing.
        ? $"{Version} external"
        : $"{Version} on {ComputeDevice.Kind(parameters.Get("train.device").AsString())}";
    /// <summary>How it works, not what it writes: gradient checkpointing (exact), whether a missing hub model may be
    /// downloaded, and where hub models are kept (their files' hashes are the fingerprint's, not the folder's name).
    /// The external trainer's timeout only decides when to give up, never a weight.</summary>
    public override IReadOnlyList<string> Settings => [TrainParams.CheckpointingKey, BaseModel.DownloadKey, BaseModel.ModelsCacheKey, ExternalParams.TimeoutKey];
    public override IReadOnlyList<string> Reads => [$"{TrainingFile.Stage}/{TrainingFile.File}"];
    public override IReadOnlyList<string> Outputs => [Checkpoint, Metrics, LossCurve];

    /// <summary>In process it keeps every core (or the GPU) busy; an external trainer uses this machine's GPUs too.</summary>
    public override bool CpuHeavyFor(EffectiveParams parameters) => true;

    /// <summary>The epoch checkpoints of unfinished runs; each run records its key, so Gc drops those no kept run used.
    /// The external backend's run folders (the files handed to its command) are pruned the same way.</summary>
    public override IReadOnlyList<StageCache> Caches => [new(ResumeFolders.Cache, ResumeFolders.Prune), new(ExternalTrainer.Cache, ResumeFolders.Prune)];

    /// <summary>The base model's identity: its config, weights and tokenizer files, or the embedded tokenizer for tiny.</summary>
    public override IEnumerable<string> DataFiles(EffectiveParams parameters, string repoRoot) =>
        From(parameters.Get, repoRoot).IdentityFiles();

    private static BaseModel From(Func<string, ParamNode> param, string repoRoot) =>
        BaseModel.From(param("train.base_model").AsString(), repoRoot, BaseModel.ModelsCache(param, repoRoot));

    public override string? Preflight(EffectiveParams parameters, string repoRoot)
    {
        try
        {
            var p = TrainParams.Read(parameters.Get);
            if (ExternalParams.IsExternal(parameters.Get))
            {
                // The external trainer needs no GPU here and fetches a hub model itself; what must hold is its command
                // template and a batch it can split over its GPUs.
                ExternalParams.Read(parameters.Get).AccumulationSteps(p.Recipe.GlobalBatch, p.Recipe.MicroBatch);
                From(parameters.Get, repoRoot).Format(p.ChatFormat);
                return null;
            }
            ComputeDevice.Resolve(p.Device);
            ShardSize.Parse(parameters.Get(TrainParams.ShardSizeKey).AsString());
            var model = From(parameters.Get, repoRoot);
            if (model.Blocker(parameters.Get(BaseModel.DownloadKey).AsBool()) is { } problem) return problem;
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
            if (ExternalParams.IsExternal(context.Params.Get))
            {
                var external = ExternalParams.Read(context.Params.Get);
                return $"external trainer ({ExternalParams.CommandKey}) on {external.Gpus} GPU(s), ZeRO stage {external.ZeroStage}, "
                    + $"{external.AccumulationSteps(p.Recipe.GlobalBatch, p.Recipe.MicroBatch)} accumulation step(s) per optimizer step; memory is the trainer's to plan";
            }
            var device = ComputeDevice.Resolve(p.Device);
            var (dtype, checkpointing) = p.NumericsOn(device);
            var model = From(context.Params.Get, context.RepoRoot);
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

    public override async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var p = TrainParams.Read(stage.Param);
        if (ExternalParams.IsExternal(stage.Param))
        {
            await ExecuteExternalAsync(stage, p, clock, ct);
            return;
        }
        var maxShardBytes = ShardSize.Parse(stage.Param(TrainParams.ShardSizeKey).AsString());
        var device = ComputeDevice.Resolve(p.Device);
        var (dtype, checkpointing) = p.NumericsOn(device);
        if (device.type != TorchSharp.DeviceType.CUDA && p.Precision == "bf16")
            stage.Reporter.Warn($"{stage.StageName}: train.precision bf16 is for CUDA; training in fp32 on {device}");
        var baseModel = From(stage.Param, stage.RepoRoot);
        // Preflight let a missing hub model through only because downloads are allowed: fetch it before any work.
        if (baseModel.Problem() is not null && baseModel.IsHubModel && stage.Param(BaseModel.DownloadKey).AsBool())
            baseModel = await BaseModel.FetchAsync(p.BaseModel, stage.RepoRoot, BaseModel.ModelsCache(stage.Param, stage.RepoRoot),
                FetchOptions.FromEnvironment(online: true, stage.Reporter.Info), ct: ct);
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
        var runKey = RunKey(stage, input, baseModel);
        var resumeDir = Path.Combine(stage.CacheDir(ResumeFolders.Cache), runKey);
        stage.RecordCacheUse(ResumeFolders.Cache, [runKey]);
        var trainer = new SftTrainer(model, recipe, padId);
        var metricsPath = stage.Output(Metrics);
        stage.Reporter.Info($"{stage.StageName}: step metrics go to {Path.GetRelativePath(stage.RepoRoot, metricsPath)} as it trains (tail -f it)");
        TrainingResult result;
        using (var log = new MetricsLog(metricsPath))
        {
            result = trainer.Train(sequences, resumeDir, progress =>
            {
                log.Append(progress.Last);
                if (progress.Resumed) return;
                stage.Reporter.Progress(stage.StageName, "optimizer steps", progress.Step, progress.TotalSteps,
                    $"loss {progress.Last.Loss:0.000} acc {progress.Last.TokenAccuracy:0.000} lr {progress.Last.LearningRate:0.###e0} {progress.Last.TokensPerSecond:0} tok/s");
            }, ct: ct);
            if (log.Lines != result.Steps.Count)
                throw new InvalidOperationException($"{stage.StageName}: {log.Lines} metric lines written for {result.Steps.Count} steps");
        }
        if (result.ResumedAfterEpoch > 0) stage.Reporter.Info($"{stage.StageName}: resumed after epoch {result.ResumedAfterEpoch} from {resumeDir}");

        WriteCheckpoint(stage, model, baseModel, maxShardBytes);
        LossPlot.Save(result.Steps, stage.Output(LossCurve), $"{stage.StageName}: {baseModel.Spec} on {Path.GetFileName(input)}");

        stage.RecordMetric("steps", result.Steps.Count);
        stage.RecordMetric("first_loss", result.Steps[0].Loss);
        stage.RecordMetric("final_loss", result.Steps[^1].Loss);
        stage.RecordMetric("seconds", clock.Elapsed.TotalSeconds);
        // Throughput goes to the run record, not metrics.jsonl (an output, so it must not carry timings).
        if (result.Steps.Where(s => s.TokensPerSecond > 0).ToList() is { Count: > 0 } timed)
            stage.RecordMetric("tokens_per_second", timed.Average(s => s.TokensPerSecond));
        stage.Reporter.Info($"{stage.StageName}: {result.Steps.Count} steps, loss {result.Steps[0].Loss:0.000} -> {result.Steps[^1].Loss:0.000}, {clock.Elapsed.TotalSeconds:0} s");
        // The outputs are staged; the epoch checkpoints were only there to survive a kill.
        Directory.Delete(resumeDir, recursive: true);
    }

    /// <summary>
    /// train.backend external: the same rows in the same order as the in-process trainer would read, handed to
    /// train.external.command (<see cref="ExternalTrainer"/>); its checkpoint becomes checkpoint/, its trainer_state.json
    /// log (when it saved one) metrics.jsonl and the loss curve.
    /// </summary>
    private async Task ExecuteExternalAsync(StageContext stage, TrainParams p, Stopwatch clock, CancellationToken ct)
    {
        var external = ExternalParams.Read(stage.Param);
        var baseModel = From(stage.Param, stage.RepoRoot);
        var format = baseModel.Format(p.ChatFormat);
        var input = stage.Input(TrainingFile.Stage, TrainingFile.File);
        var items = TrainingSetReader.Read(input);
        var runKey = RunKey(stage, input, baseModel, ExternalParams.Keys);
        ExternalTrainer.Outcome outcome;
        try
        {
            outcome = await ExternalTrainer.RunAsync(stage, p, external, baseModel, items, format, runKey, stage.Output(Checkpoint), ct);
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("item ", StringComparison.Ordinal))
        {
            // The reply builder names the item; the user also needs the file it came from.
            throw new InvalidDataException($"{input}: {e.Message}", e);
        }
        using (var log = new MetricsLog(stage.Output(Metrics)))
            foreach (var step in outcome.Steps) log.Append(step);
        if (outcome.Steps.Count == 0)
            stage.Reporter.Warn($"{stage.StageName}: the external trainer left no {TrainerStateMetrics.FileName} with step losses in {Checkpoint}; "
                + $"{Metrics} is empty (call Trainer.save_state() after training to keep its log)");
        LossPlot.Save(outcome.Steps, stage.Output(LossCurve), $"{stage.StageName}: {baseModel.Spec} on {Path.GetFileName(input)} (external trainer)");
        stage.RecordMetric("steps", outcome.Steps.Count);
        if (outcome.Steps.Count > 0)
        {
            stage.RecordMetric("first_loss", outcome.Steps[0].Loss);
            stage.RecordMetric("final_loss", outcome.Steps[^1].Loss);
        }
        stage.RecordMetric("seconds", clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The resume folder's name: a hash of everything the weights depend on (the training file, the recipe keys,
    /// the base model's files, the trainer's and this stage's code), so an epoch checkpoint is only ever continued
    /// by the very run that wrote it.
    /// </summary>
    private string RunKey(StageContext stage, string input, BaseModel baseModel, IEnumerable<string>? moreKeys = null)
    {
        var key = new StringBuilder();
        key.Append("data ").AppendLine(stage.FileHash(input));
        foreach (var k in TrainParams.RecipeKeys.Concat(moreKeys ?? [])) key.Append(k).Append(' ').AppendLine(stage.Param(k).ToCanonicalJson());
        foreach (var f in baseModel.IdentityFiles()) key.Append("model ").Append(Path.GetFileName(f)).Append(' ').AppendLine(stage.FileHash(f));
        key.Append("code ").Append(stage.CodeHashOf(typeof(SftTrainer))).Append(' ').AppendLine(stage.CodeHashOf(GetType()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..24];
    }

    /// <summary>
    /// Saves the Hugging Face layout into the checkpoint/ folder output through CheckpointSaver: config.json,
    /// generation_config.json, the base model's tokenizer files (tiny: the embedded tokenizer), and the weights as
    /// one model.safetensors or, past <paramref name="maxShardBytes"/>, shards plus model.safetensors.index.json.
    /// </summary>
    private static void WriteCheckpoint(StageContext stage, Modeling.Architectures.CausalLm model, BaseModel baseModel, long maxShardBytes)
    {
        var folder = stage.Output(Checkpoint);
        CheckpointSaver.Save(model, folder, baseModel.Folder, maxShardBytes);
        if (baseModel.IsTiny) EmbeddedTokenizer.WriteTo(folder);
        // Generate and the evaluation stages load the trained model with its own tokenizer.
        if (!File.Exists(Path.Combine(folder, "tokenizer.json")))
            throw new FileNotFoundException($"the base model {baseModel.Spec} has no tokenizer.json to copy into the trained checkpoint", Path.Combine(baseModel.Folder ?? "", "tokenizer.json"));
    }
}
