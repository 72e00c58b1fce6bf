using Star1.Modeling.Training;

namespace Star1.Modeling.Tests;

/// <summary>
/// The step callback sees a run's whole history: a resumed run first replays the steps of the epochs it resumed
/// after, so a step log written as training goes (Train's metrics.jsonl) ends the same as an uninterrupted run's.
/// </summary>
public sealed class TrainerStepReplayTests
{
    [Fact]
    public void AResumedRunReplaysTheEarlierStepsBeforeItsOwn()
    {
        var data = TrainerTests.Sequences(10);
        var recipe = new SftRecipe { Epochs = 2, GlobalBatch = 4, MicroBatch = 2, LearningRate = 3e-3 };
        using var scratch = new Fixture.Scratch();
        using (var killed = TrainerTests.SmallModel())
            new SftTrainer(killed, recipe, padId: 0).Train(data, scratch.Path, stopAfterEpoch: 1);

        var seen = new List<TrainingProgress>();
        using var model = TrainerTests.SmallModel();
        var result = new SftTrainer(model, recipe, padId: 0).Train(data, scratch.Path, seen.Add);

        Assert.Equal(1, result.ResumedAfterEpoch);
        Assert.Equal(result.Steps, seen.Select(p => p.Last));
        Assert.Equal([1, 2, 3, 4, 5, 6], seen.Select(p => p.Step));
        Assert.Equal([true, true, true, false, false, false], seen.Select(p => p.Resumed));
        Assert.All(seen, p => Assert.Equal(6, p.TotalSteps));
    }
}
