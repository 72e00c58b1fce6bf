using System.Text.Json.Nodes;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// The DeepSpeed config an external trainer launches with, from the recipe (PAPER.md section 5). It is meant for
/// the Hugging Face Trainer's DeepSpeed integration (TrainingArguments.deepspeed, which the training-args file
/// points at), and is written with that integration's rules in mind:
/// <list type="bullet">
/// <item>Batch sizes, clipping and bf16 are written as numbers, not "auto". The integration fills "auto" from the
/// training arguments silently, but checks a number against them and stops on a mismatch; DeepSpeed itself then
/// checks train_batch_size = micro batch x accumulation x world size. So a launch on another number of GPUs than
/// train.external.gpus, or a command line that overrides the recipe, fails at start instead of training another
/// recipe under this one's fingerprint.</item>
/// <item>No "optimizer" and no "scheduler" block. With an optimizer block the integration hands DeepSpeed every
/// parameter in one group, so weight decay would hit biases and norm weights, which the recipe (and the in-process
/// trainer) exempt; without one, the Trainer builds its own AdamW with that exemption (lr, betas and weight decay
/// from the training arguments) and its own cosine-with-warm-up schedule, the shape the in-process trainer uses.
/// DeepSpeed's WarmupCosineLR is not one the integration fills, and its curve differs.</item>
/// <item>ZeRO-3 gathers the 16-bit weights on save, so save_model writes ordinary safetensors (not only ZeRO
/// partitions), which is what the stage takes back as checkpoint/.</item>
/// </list>
/// </summary>
public static class DeepSpeedConfig
{
    public const string FileName = "deepspeed.json";

    public static JsonObject Build(TrainParams p, ExternalParams external)
    {
        var recipe = p.Recipe;
        var zero = new JsonObject
        {
            ["stage"] = external.ZeroStage,
            ["overlap_comm"] = true,
            ["contiguous_gradients"] = true,
        };
        if (external.ZeroStage == 3) zero["stage3_gather_16bit_weights_on_model_save"] = true;
        return new JsonObject
        {
            ["train_batch_size"] = recipe.GlobalBatch,
            ["train_micro_batch_size_per_gpu"] = recipe.MicroBatch,
            ["gradient_accumulation_steps"] = external.AccumulationSteps(recipe.GlobalBatch, recipe.MicroBatch),
            ["gradient_clipping"] = recipe.MaxGradNorm,
            ["bf16"] = new JsonObject { ["enabled"] = p.Precision == "bf16" },
            ["fp16"] = new JsonObject { ["enabled"] = false },
            ["zero_optimization"] = zero,
            ["steps_per_print"] = 1,
            ["wall_clock_breakdown"] = false,
        };
    }
}
