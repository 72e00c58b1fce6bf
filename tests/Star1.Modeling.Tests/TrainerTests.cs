using System.Text.Json.Nodes;
using Star1.Chat.Sft;
using Star1.Modeling.Architectures;
using Star1.Modeling.Training;
using static TorchSharp.torch;

namespace Star1.Modeling.Tests;

/// <summary>The SFT trainer (PAPER.md section 5) on a very small random Qwen2: schedule, decay groups, gradient
/// accumulation, learning, and a resume that continues exactly where an uninterrupted run would be.</summary>
public sealed class TrainerTests
{
    private const int Vocab = 48;

    internal static CausalLm SmallModel(long seed = 7)
    {
        var config = ModelConfig.FromJson(new JsonObject
        {
            ["model_type"] = "qwen2", ["vocab_size"] = Vocab, ["hidden_size"] = 32, ["intermediate_size"] = 64,
            ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["tie_word_embeddings"] = true,
        });
        var model = CausalLm.Create(config, ScalarType.Float32, CPU);
        model.InitializeWeights(seed);
        return model;
    }

    /// <summary>Sequences of different lengths whose first tokens are prompt (-100) and whose reply repeats a
    /// pattern the model can learn.</summary>
    internal static List<SftSequence> Sequences(int count)
    {
        var random = new Random(3);
        var list = new List<SftSequence>();
        for (int i = 0; i < count; i++)
        {
            int prompt = 2 + random.Next(4), length = prompt + 6 + random.Next(10);
            var ids = Enumerable.Range(0, length).Select(t => t < prompt ? random.Next(Vocab) : (t * 3 + i) % 11 + 5).ToArray();
            var labels = ids.Select((id, t) => t < prompt ? SftOptions.IgnoreIndex : id).ToArray();
            list.Add(new SftSequence($"test/{i}", ids, labels, 0));
        }
        return list;
    }

    [Fact]
    public void TheScheduleWarmsUpLinearlyThenFollowsHalfACosineToZero()
    {
        var s = new CosineSchedule(1.0, TotalSteps: 10, WarmupSteps: 2);
        Assert.Equal(0.0, s.At(0));
        Assert.Equal(0.5, s.At(1), 12);
        Assert.Equal(1.0, s.At(2), 12);
        Assert.Equal(0.5, s.At(6), 12);                                   // halfway through the 8 cosine steps
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 7 / 8)), s.At(9), 12);
        Assert.Equal(0.0, s.At(10), 12);
        // HF's get_warmup_steps rounds up: 5% of 30 steps is 2 warm-up steps, of 100 it is 5.
        Assert.Equal(2, CosineSchedule.FromRatio(1e-5, 30, 0.05).WarmupSteps);
        Assert.Equal(5, CosineSchedule.FromRatio(1e-5, 100, 0.05).WarmupSteps);
    }

    [Fact]
    public void WeightDecayShrinksMatricesButNeitherBiasesNorNormWeights()
    {
        using var model = SmallModel();
        var recipe = new SftRecipe { WeightDecay = 0.5 };
        using var optimizer = new AdamW(model.named_parameters(), recipe);
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", optimizer.UndecayedNames);
        Assert.Contains("model.layers.1.input_layernorm.weight", optimizer.UndecayedNames);
        Assert.Contains("model.norm.weight", optimizer.UndecayedNames);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", optimizer.DecayedNames);

        // With zero gradients Adam's step is 0, so only the decay moves a weight: by exactly (1 - lr x wd).
        // (Biases start at 0, where decay could not show: give them a value first.)
        foreach (var (_, p) in model.named_parameters()) p.grad = zeros_like(p);
        using (no_grad()) foreach (var (name, p) in model.named_parameters()) if (name.EndsWith(".bias")) p.fill_(0.25f);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        optimizer.Update(0.1);
        foreach (var (name, p) in model.named_parameters())
        {
            var decays = !name.EndsWith(".bias") && !name.EndsWith("norm.weight");
            var expected = decays ? before[name] * (1 - 0.1 * 0.5) : before[name];
            Assert.True(p.allclose(expected, rtol: 1e-6, atol: 1e-7), $"{name} (decays: {decays})");
        }
    }

    [Fact]
    public void AccumulatedMicroBatchesGiveTheGradientsOfOneBigBatch()
    {
        var data = Sequences(6);
        using var model = SmallModel();
        Dictionary<string, Tensor> Gradients(int micro)
        {
            var trainer = new SftTrainer(model, new SftRecipe { GlobalBatch = 6, MicroBatch = micro }, padId: 0);
            trainer.ComputeGradients(data);
            return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }
        var whole = Gradients(6);
        foreach (var micro in new[] { 1, 2, 3 })
        {
            var accumulated = Gradients(micro);
            foreach (var (name, g) in whole)
                Assert.True(accumulated[name].allclose(g, rtol: 0, atol: 1e-6), $"{name}, micro batch {micro}: max diff {(accumulated[name] - g).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void TheLossFallsOverAFewSteps()
    {
        using var model = SmallModel();
        var recipe = new SftRecipe { Epochs = 12, GlobalBatch = 4, MicroBatch = 2, LearningRate = 1e-2, WarmupRatio = 0.1, WeightDecay = 0 };
        var result = new SftTrainer(model, recipe, padId: 0).Train(Sequences(8), checkpointDir: null);
        Assert.Equal(24, result.Steps.Count);
        var first = result.Steps[0].Loss;
        var last = result.Steps.TakeLast(2).Average(s => s.Loss);
        Assert.True(first > 3.5, $"a random model starts near ln(48) = 3.87, not {first}");
        Assert.True(last < first * 0.5, $"loss {first} -> {last}");
        Assert.True(result.Steps[^1].TokenAccuracy > result.Steps[0].TokenAccuracy);
        Assert.Equal(0, result.Steps[0].LearningRate);    // HF's schedule: the first update is at warm-up step 0
        Assert.All(result.Steps, s => Assert.True(s.GradNorm > 0 && s.TokensPerSecond > 0));
    }

    [Fact]
    public void ARunKilledAfterEpochOneAndResumedEndsWithTheSameWeights()
    {
        var data = Sequences(10);
        var recipe = new SftRecipe { Epochs = 2, GlobalBatch = 4, MicroBatch = 2, LearningRate = 3e-3, WeightDecay = 0.1 };
        using var scratch = new Fixture.Scratch();

        using var straight = SmallModel();
        var uninterrupted = new SftTrainer(straight, recipe, padId: 0).Train(data, scratch["straight"]);

        using (var killed = SmallModel())
        {
            var first = new SftTrainer(killed, recipe, padId: 0).Train(data, scratch["resumed"], stopAfterEpoch: 1);
            Assert.Equal(3, first.Steps.Count);
        }
        using var resumedModel = SmallModel();
        var resumed = new SftTrainer(resumedModel, recipe, padId: 0).Train(data, scratch["resumed"]);

        Assert.Equal(1, resumed.ResumedAfterEpoch);
        Assert.Equal(uninterrupted.Steps.Select(s => s.Loss), resumed.Steps.Select(s => s.Loss));
        var expected = straight.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in resumedModel.named_parameters())
            Assert.True(p.eq(expected[name]).all().item<bool>(), $"{name} differs after resuming");
        // The resume really restored the weights: they are not the fresh model's.
        using var fresh = SmallModel();
        Assert.False(resumedModel.named_parameters().First().parameter.eq(fresh.named_parameters().First().parameter).all().item<bool>());
    }

    [Fact]
    public void AResumeWithAnotherBatchSizeIsRefused()
    {
        var data = Sequences(8);
        using var scratch = new Fixture.Scratch();
        using (var model = SmallModel())
            new SftTrainer(model, new SftRecipe { Epochs = 2, GlobalBatch = 4, MicroBatch = 2 }, 0).Train(data, scratch.Path, stopAfterEpoch: 1);
        using var other = SmallModel();
        var e = Assert.Throws<InvalidDataException>(() => new SftTrainer(other, new SftRecipe { Epochs = 2, GlobalBatch = 2, MicroBatch = 2 }, 0).Train(data, scratch.Path));
        Assert.Contains("steps per epoch", e.Message);
    }

    [Fact]
    public void TheMemoryEstimateCountsTheModelsParametersAndShrinksWithBf16AndCheckpointing()
    {
        using var model = SmallModel();
        Assert.Equal(model.parameters().Sum(p => p.numel()), MemoryEstimate.ParameterCount(model.Config));
        using var untied = CausalLm.Create(model.Config with { TieWordEmbeddings = false }, ScalarType.Float32, CPU);
        Assert.Equal(untied.parameters().Sum(p => p.numel()), MemoryEstimate.ParameterCount(untied.Config));

        var fp32 = MemoryEstimate.For(model.Config, microBatch: 1, maxLength: 4096, bf16: false, checkpointing: false, cuda: true);
        var bf16 = MemoryEstimate.For(model.Config, 1, 4096, bf16: true, checkpointing: false, cuda: true);
        var checkpointed = MemoryEstimate.For(model.Config, 1, 4096, bf16: true, checkpointing: true, cuda: true);
        Assert.Equal(fp32.Weights / 2, bf16.Weights);
        Assert.True(bf16.Optimizer > fp32.Optimizer, "bf16 training keeps fp32 masters beside the moments");
        Assert.True(checkpointed.Activations < bf16.Activations);
        Assert.Equal(fp32.Weights + fp32.Gradients + fp32.Optimizer + fp32.Activations + fp32.Logits, fp32.Total);
    }
}
