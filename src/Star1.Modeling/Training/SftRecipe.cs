namespace Star1.Modeling.Training;

/// <summary>
/// The optimisation half of PAPER.md section 5 (the sequence half, max_length and the think/base flags, is
/// Star1.Chat's SftOptions, applied before the trainer sees the ids).
/// </summary>
public sealed record SftRecipe
{
    public int Epochs { get; init; } = 5;
    public double LearningRate { get; init; } = 1e-5;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    /// <summary>torch's AdamW default.</summary>
    public double Epsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; } = 1e-4;
    public double WarmupRatio { get; init; } = 0.05;
    /// <summary>Sequences per optimizer step (the paper: 8 GPUs x 1 x 16 accumulation = 128).</summary>
    public int GlobalBatch { get; init; } = 128;
    /// <summary>Sequences per forward/backward pass; GlobalBatch / MicroBatch passes are accumulated.</summary>
    public int MicroBatch { get; init; } = 1;
    /// <summary>Hugging Face Trainer's default max_grad_norm (the paper's code does not change it).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Seeds the per-epoch shuffle (the weights of a new model are seeded separately).</summary>
    public long Seed { get; init; } = 2002;
    public bool GradientCheckpointing { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), "epochs must be at least 1");
        if (LearningRate <= 0) throw new ArgumentOutOfRangeException(nameof(LearningRate), "learning_rate must be positive");
        if (MicroBatch < 1 || GlobalBatch < 1) throw new ArgumentOutOfRangeException(nameof(GlobalBatch), "global_batch and micro_batch must be at least 1");
        if (GlobalBatch % MicroBatch != 0)
            throw new ArgumentException($"global_batch {GlobalBatch} is not a multiple of micro_batch {MicroBatch}: the accumulation steps would not be whole");
        if (MaxGradNorm < 0) throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), "max_grad_norm must be 0 (off) or positive");
    }
}
