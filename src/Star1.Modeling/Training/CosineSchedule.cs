namespace Star1.Modeling.Training;

/// <summary>
/// The learning rate per optimizer step as Hugging Face's get_cosine_schedule_with_warmup: a linear ramp from
/// 0 over the warm-up steps, then half a cosine down to 0 at the last step. Step k (0-based) is the k-th update;
/// like HF (the scheduler is stepped after the optimizer), the first update uses the factor of step 0, which is 0
/// when there is any warm-up. Warm-up steps are ceil(total x ratio), as HF's TrainingArguments.get_warmup_steps.
/// </summary>
public sealed record CosineSchedule(double PeakLearningRate, int TotalSteps, int WarmupSteps)
{
    public static CosineSchedule FromRatio(double peak, int totalSteps, double warmupRatio)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), "training needs at least one optimizer step");
        if (warmupRatio is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(warmupRatio), "warmup_ratio must be within [0, 1]");
        return new CosineSchedule(peak, totalSteps, (int)Math.Ceiling(totalSteps * warmupRatio));
    }

    public double At(int step)
    {
        if (step < WarmupSteps) return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        var progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return PeakLearningRate * Math.Max(0, 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
