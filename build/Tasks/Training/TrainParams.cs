using Star1.Chat.Sft;
using Star1.Modeling.Training;
using Star1.Pipeline.Params;
using static TorchSharp.torch;

namespace Star1.Build.Tasks.Training;

/// <summary>The train.* params as the trainer and the sequence builder take them.</summary>
public sealed record TrainParams(SftRecipe Recipe, SftOptions Sequences, string BaseModel, string ChatFormat, string Device, string Precision)
{
    /// <summary>
    /// Keys that decide the trained weights, so they are fingerprinted. train.device is among them: it decides the
    /// numerics (bf16 on CUDA, fp32 on CPU; CUDA kernels round differently). train.gradient_checkpointing is not:
    /// the recomputation is exact (no dropout), so it changes memory and time, never a weight.
    /// </summary>
    public static readonly string[] RecipeKeys =
    [
        "train.base_model", "train.chat_format", "train.epochs", "train.learning_rate", "train.adam_betas",
        "train.weight_decay", "train.schedule", "train.warmup_ratio", "train.global_batch", "train.micro_batch",
        "train.max_length", "train.max_grad_norm", "train.precision", "train.seed", "train.think_flag", "train.base_flag",
        "train.device",
    ];

    public const string CheckpointingKey = "train.gradient_checkpointing";

    /// <summary>The checkpoint's largest shard, as transformers writes it ("5GB", "2MB"): decides the files, not the weights.</summary>
    public const string ShardSizeKey = "train.max_shard_size";

    public static TrainParams Read(Func<string, ParamNode> param)
    {
        var schedule = param("train.schedule").AsString();
        if (schedule != "cosine") throw new ArgumentException($"train.schedule '{schedule}': only cosine (the paper's) is implemented");
        var betas = param("train.adam_betas").Items;
        if (betas.Count != 2) throw new ArgumentException("train.adam_betas must be a list of two numbers, e.g. [0.9, 0.95]");
        var baseFlag = param("train.base_flag").AsString().Trim().ToLowerInvariant() switch
        {
            "auto" => (bool?)null,
            "true" => true,
            "false" => false,
            var other => throw new ArgumentException($"train.base_flag '{other}': expected auto, true or false"),
        };
        var think = param("train.think_flag").AsInt();
        if (think is not (0 or 1)) throw new ArgumentException($"train.think_flag {think}: expected 0 or 1");
        var recipe = new SftRecipe
        {
            Epochs = (int)param("train.epochs").AsInt(),
            LearningRate = param("train.learning_rate").AsDouble(),
            Beta1 = betas[0].AsDouble(),
            Beta2 = betas[1].AsDouble(),
            WeightDecay = param("train.weight_decay").AsDouble(),
            WarmupRatio = param("train.warmup_ratio").AsDouble(),
            GlobalBatch = (int)param("train.global_batch").AsInt(),
            MicroBatch = (int)param("train.micro_batch").AsInt(),
            MaxGradNorm = param("train.max_grad_norm").AsDouble(),
            Seed = param("train.seed").AsInt(),
            GradientCheckpointing = param(CheckpointingKey).AsBool(),
        };
        recipe.Validate();
        var precision = param("train.precision").AsString().Trim().ToLowerInvariant();
        if (precision is not ("bf16" or "fp32")) throw new ArgumentException($"train.precision '{precision}': expected bf16 or fp32");
        return new TrainParams(recipe, new SftOptions((int)param("train.max_length").AsInt(), think == 1, baseFlag),
            param("train.base_model").AsString(), param("train.chat_format").AsString(), param("train.device").AsString(), precision);
    }

    /// <summary>bf16 and gradient checkpointing are for CUDA; on the CPU the trainer runs fp32 without them
    /// (CPU bf16 matmuls are slow and the small models that train there do not need the memory).</summary>
    public (ScalarType DType, bool Checkpointing) NumericsOn(Device device) =>
        device.type == TorchSharp.DeviceType.CUDA
            ? (Precision == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32, Recipe.GradientCheckpointing)
            : (ScalarType.Float32, false);
}
