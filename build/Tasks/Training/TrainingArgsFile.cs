using System.Text.Json.Nodes;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// The recipe as Hugging Face training arguments, for the external command to read: field names are those of
/// transformers' TrainingArguments (and trl's SFTConfig/ModelConfig/ScriptArguments for model, data and length),
/// so <c>trl sft --config {training_args}</c> takes the file as it is (JSON is YAML) and a script of one's own can
/// hand it to HfArgumentParser.parse_json_file. Only fields those classes know are written: their parsers stop on
/// an unknown one.
/// </summary>
public static class TrainingArgsFile
{
    public const string FileName = "training_args.json";

    public static JsonObject Build(TrainParams p, ExternalParams external, ExternalPaths paths)
    {
        var recipe = p.Recipe;
        return new JsonObject
        {
            ["model_name_or_path"] = paths.BaseModel,
            ["dataset_name"] = paths.DataDir,
            ["output_dir"] = paths.OutputDir,
            ["deepspeed"] = paths.DeepSpeedConfig,
            ["num_train_epochs"] = recipe.Epochs,
            ["learning_rate"] = recipe.LearningRate,
            ["adam_beta1"] = recipe.Beta1,
            ["adam_beta2"] = recipe.Beta2,
            ["weight_decay"] = recipe.WeightDecay,
            // TrainParams accepts only cosine: linear warm-up then cosine to 0, HF's get_cosine_schedule_with_warmup.
            ["lr_scheduler_type"] = "cosine",
            ["warmup_ratio"] = recipe.WarmupRatio,
            ["per_device_train_batch_size"] = recipe.MicroBatch,
            ["gradient_accumulation_steps"] = external.AccumulationSteps(recipe.GlobalBatch, recipe.MicroBatch),
            ["max_grad_norm"] = recipe.MaxGradNorm,
            ["bf16"] = p.Precision == "bf16",
            ["gradient_checkpointing"] = recipe.GradientCheckpointing,
            ["seed"] = recipe.Seed,
            ["max_length"] = p.Sequences.MaxLength,
            // One log line per optimizer step, as metrics.jsonl has for the in-process trainer.
            ["logging_steps"] = 1,
            // Only the final model is taken back; mid-run checkpoints (with optimizer state) would land inside checkpoint/.
            ["save_strategy"] = "no",
            ["report_to"] = "none",
        };
    }
}

/// <summary>The absolute paths the external run's files have, as the placeholders and the training args give them.</summary>
public sealed record ExternalPaths(string Folder, string BaseModel, string OutputDir)
{
    public string DataDir => Path.Combine(Folder, "data");
    public string Data => Path.Combine(DataDir, ChatJsonl.FileName);
    public string DeepSpeedConfig => Path.Combine(Folder, Training.DeepSpeedConfig.FileName);
    public string TrainingArgs => Path.Combine(Folder, TrainingArgsFile.FileName);
}
