using System.Diagnostics;
using Star1.Chat.Sft;
using Star1.Modeling.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Star1.Modeling.Training;

/// <summary>
/// Full fine-tuning as PAPER.md section 5: per epoch a seeded shuffle, global batches of GlobalBatch sequences
/// (the last one may be smaller, as HF's dataloader without drop_last), each run as GlobalBatch / MicroBatch
/// forward/backward passes whose gradients add up, then clipping, the cosine-scheduled learning rate and one
/// AdamW update.
///
/// Loss normalisation: every pass adds (sum of its token losses) / (trained tokens in the whole global batch),
/// so the accumulated gradient is exactly that of the mean token loss over the global batch, whatever the
/// micro-batch size or the padding. Averaging per micro batch and then over passes (HF before 4.46) would weight
/// the tokens of short sequences more when micro_batch is 1; the per-token mean over the global batch is what
/// HF Trainer does now (num_items_in_batch) and what one big batch would give.
/// </summary>
public sealed class SftTrainer(CausalLm model, SftRecipe recipe, int padId)
{
    /// <param name="checkpointDir">Where a finished epoch's state goes and a run resumes from; null: no checkpoints.</param>
    /// <param name="onStep">Called after every optimizer step; a resumed run first replays the steps of the epochs it
    /// resumed after (marked <see cref="TrainingProgress.Resumed"/>), so a step log written as training goes is whole.</param>
    /// <param name="stopAfterEpoch">Stop (as a kill would) once this epoch is checkpointed; for tests.</param>
    public TrainingResult Train(IReadOnlyList<SftSequence> sequences, string? checkpointDir,
        Action<TrainingProgress>? onStep = null, int? stopAfterEpoch = null, CancellationToken ct = default)
    {
        recipe.Validate();
        if (sequences.Count == 0) throw new ArgumentException("nothing to train on", nameof(sequences));
        int stepsPerEpoch = (sequences.Count + recipe.GlobalBatch - 1) / recipe.GlobalBatch;
        var schedule = CosineSchedule.FromRatio(recipe.LearningRate, recipe.Epochs * stepsPerEpoch, recipe.WarmupRatio);

        model.train();
        model.GradientCheckpointing = recipe.GradientCheckpointing;
        using var optimizer = new AdamW(model.named_parameters(), recipe);
        var (resumed, history) = checkpointDir is null ? (0, new List<StepMetrics>()) : EpochCheckpoint.TryRestore(checkpointDir, optimizer);
        if (optimizer.Step != resumed * stepsPerEpoch)
            throw new InvalidDataException($"{checkpointDir}: the checkpoint after epoch {resumed} is at step {optimizer.Step}, but this run has {stepsPerEpoch} steps per epoch (another data set or batch size)");
        foreach (var earlier in history) onStep?.Invoke(new TrainingProgress(earlier.Step, schedule.TotalSteps, earlier) { Resumed = true });

        for (int epoch = resumed + 1; epoch <= recipe.Epochs; epoch++)
        {
            var order = Shuffle(sequences.Count, recipe.Seed, epoch);
            for (int start = 0; start < order.Length; start += recipe.GlobalBatch)
            {
                ct.ThrowIfCancellationRequested();
                var batch = order.Skip(start).Take(recipe.GlobalBatch).Select(i => sequences[i]).ToList();
                var metrics = TrainStep(batch, optimizer, schedule, epoch);
                history.Add(metrics);
                onStep?.Invoke(new TrainingProgress(metrics.Step, schedule.TotalSteps, metrics));
            }
            if (checkpointDir is not null) EpochCheckpoint.Save(checkpointDir, epoch, optimizer, history);
            if (epoch == stopAfterEpoch) break;
        }
        model.eval();
        return new TrainingResult(history, resumed, schedule.TotalSteps);
    }

    /// <summary>The order of epoch <paramref name="epoch"/>: a Fisher-Yates shuffle from a generator seeded by the
    /// seed and the epoch alone, so a resumed run sees the same orders. System.Random with a seed is the fixed
    /// legacy algorithm, stable across .NET versions.</summary>
    public static int[] Shuffle(int count, long seed, int epoch)
    {
        var random = new Random(unchecked((int)(seed * 1_000_003 + epoch)));
        var order = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Tokens that count in a sequence's loss: labels after the first (the model predicts token t+1 from t).</summary>
    public static int ShiftedTrainedTokens(SftSequence s) => s.Labels.Skip(1).Count(l => l != SftOptions.IgnoreIndex);

    private StepMetrics TrainStep(List<SftSequence> batch, AdamW optimizer, CosineSchedule schedule, int epoch)
    {
        var clock = Stopwatch.StartNew();
        var (loss, correct, trained, realTokens) = ComputeGradients(batch);
        var norm = optimizer.GradientNorm();
        optimizer.ClipGradients(norm, recipe.MaxGradNorm);
        var lr = schedule.At(optimizer.Step);
        optimizer.Update(lr);
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        return new StepMetrics(optimizer.Step, epoch, loss, (double)correct / trained, lr, norm, trained, realTokens / seconds);
    }

    /// <summary>Zeroes the gradients and fills them with those of the global batch's mean token loss, pass by
    /// pass of MicroBatch sequences. Returns that loss, the argmax hits, the trained and the real tokens.</summary>
    internal (double Loss, long Correct, int Trained, long RealTokens) ComputeGradients(IReadOnlyList<SftSequence> batch)
    {
        int trained = batch.Sum(ShiftedTrainedTokens);
        if (trained == 0) throw new InvalidDataException($"a global batch ({string.Join(", ", batch.Select(s => s.Key))}) has no trained token");
        double lossSum = 0;
        long correct = 0, realTokens = 0;
        model.zero_grad();
        for (int m = 0; m < batch.Count; m += recipe.MicroBatch)
        {
            var micro = SftBatch.Collate(batch.Skip(m).Take(recipe.MicroBatch).ToList(), padId);
            var (loss, right) = Accumulate(micro, trained);
            lossSum += loss;
            correct += right;
            realTokens += micro.RealTokens;
        }
        return (lossSum, correct, trained, realTokens);
    }

    /// <summary>One forward/backward pass adding its share of the global batch's mean token loss to the gradients.
    /// Returns that share and how many trained tokens the argmax got right.</summary>
    private (double Loss, long Correct) Accumulate(SftBatch micro, int globalTrained)
    {
        using var scope = NewDisposeScope();
        var device = model.Device;
        var ids = tensor(micro.InputIds, [micro.Size, micro.Length], device: device);
        var labels = tensor(micro.Labels, [micro.Size, micro.Length], device: device);
        // Right padding needs no attention mask: a real query never attends (causally) to a later padding key,
        // positions count from 0 either way, and padding queries are labelled -100. The fused causal path is exact.
        var logits = model.Forward(ids);
        var shifted = logits.narrow(1, 0, micro.Length - 1).reshape(-1, logits.shape[2]).to(ScalarType.Float32);
        var targets = labels.narrow(1, 1, micro.Length - 1).reshape(-1);
        var loss = nn.functional.cross_entropy(shifted, targets, ignore_index: SftOptions.IgnoreIndex, reduction: nn.Reduction.Sum) / globalTrained;
        loss.backward();
        long correct;
        using (no_grad())
        {
            var kept = targets.ne(SftOptions.IgnoreIndex);
            correct = shifted.argmax(1).eq(targets).logical_and(kept).sum().item<long>();
        }
        return (loss.item<float>(), correct);
    }
}
