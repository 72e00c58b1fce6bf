using System.Text.Json.Serialization;

namespace Star1.Modeling.Training;

/// <summary>One optimizer step, as a line of metrics.jsonl. Loss and accuracy are per trained token over the
/// whole global batch; grad_norm is before clipping (what HF logs); lr is the rate this update used. The
/// throughput is shown live but never written: a file that is a stage's output must come out the same on every
/// run of the same inputs, or the report built on it would differ from run to run (and from a serial run).</summary>
public sealed record StepMetrics(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("token_accuracy")] double TokenAccuracy,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("grad_norm")] double GradNorm,
    [property: JsonPropertyName("trained_tokens")] int TrainedTokens,
    [property: JsonIgnore] double TokensPerSecond);

/// <summary>Where a run stands, for the live progress line and the step log.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, StepMetrics Last)
{
    /// <summary>A step of an epoch finished by an earlier, killed run, replayed when this run resumes.</summary>
    public bool Resumed { get; init; }
}

/// <summary>What a run did: every step's metrics (those of resumed epochs included) and the epoch it resumed after.</summary>
public sealed record TrainingResult(IReadOnlyList<StepMetrics> Steps, int ResumedAfterEpoch, int TotalSteps);
