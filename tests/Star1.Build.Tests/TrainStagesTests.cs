using System.Text.Json;
using System.Text.Json.Nodes;
using Star1.Build.Tests.Support;
using Star1.Modeling.Checkpoints;
using static Star1.Build.Tests.LlmStagesTests;

namespace Star1.Build.Tests;

/// <summary>
/// Train and TrainBenign (paper sections 3.1 and 4.3) and the Generate task through the real host, offline, on
/// the tiny default model with the demo selection (one short epoch, see DemoPipeline.FastTraining).
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed class TrainStagesTests(DemoPipeline demo)
{
    private static readonly string[] Upstream = ["Collect", "Classify", "Reason", "Score", "Select", "Rewrite", "BenignReason", "BenignScore", "BenignSelect"];

    [Theory]
    [InlineData("train", 40)]
    [InlineData("trainbenign", 73)]
    public void EachTrainingStageWritesAHuggingFaceCheckpointMetricsAndALossCurve(string folder, int examples)
    {
        var checkpoint = demo.Template.PathOf("artifacts", folder, "checkpoint");
        // Hugging Face names and shapes: the loader builds the model config.json describes and checks every tensor.
        using var model = CheckpointLoader.LoadModel(checkpoint);
        Assert.Equal("qwen2", model.Config.ModelType);

        // train.max_shard_size 2MB shards the ~4 MB tiny model as transformers would: shards plus an index, and every
        // tensor the index names is in the shard it names, with the bytes the loader read.
        Assert.False(File.Exists(Path.Combine(checkpoint, "model.safetensors")));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "model.safetensors.index.json")))!;
        var weightMap = index["weight_map"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
        var shards = weightMap.Values.Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(shards.Count >= 2, $"{shards.Count} shard(s)");
        Assert.Equal(Enumerable.Range(1, shards.Count).Select(i => $"model-{i:D5}-of-{shards.Count:D5}.safetensors"), shards);
        var names = new Dictionary<string, SafeTensorEntry>();
        var loaded = model.state_dict();
        foreach (var shard in shards)
        {
            var path = Path.Combine(checkpoint, shard);
            Assert.True(new FileInfo(path).Length <= 2_000_000 + 100_000, $"{shard} is larger than the 2MB limit allows");
            foreach (var entry in SafeTensors.ReadHeader(path))
            {
                Assert.Equal(shard, weightMap[entry.Name]);
                names[entry.Name] = entry;
            }
            foreach (var (name, tensor) in SafeTensors.ReadAll(path))
                using (tensor)
                    Assert.Equal(tensor.data<float>().ToArray(), loaded[name].data<float>().ToArray());
        }
        Assert.Equal(weightMap.Keys.Order(StringComparer.Ordinal), names.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(index["metadata"]!["total_size"]!.GetValue<long>(), names.Values.Sum(e => e.ByteCount));
        Assert.Equal([model.Config.VocabSize, model.Config.HiddenSize], names["model.embed_tokens.weight"].Shape);
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", names.Keys);
        Assert.Contains("model.norm.weight", names.Keys);
        Assert.DoesNotContain("lm_head.weight", names.Keys);   // tied embeddings, as config.json says
        Assert.True(File.Exists(Path.Combine(checkpoint, "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(checkpoint, "generation_config.json")));
        Assert.Contains("<｜end▁of▁sentence｜>", File.ReadAllText(Path.Combine(checkpoint, "tokenizer_config.json")));

        // One global batch of 8 per step: ceil(examples / 8) steps in the one epoch, the loss falling.
        var steps = File.ReadAllLines(demo.Template.PathOf("artifacts", folder, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal((examples + 7) / 8, steps.Count);
        Assert.Equal(Enumerable.Range(1, steps.Count), steps.Select(s => s.GetProperty("step").GetInt32()));
        Assert.True(steps[^1].GetProperty("loss").GetDouble() < steps[0].GetProperty("loss").GetDouble());
        // Timings stay out of the output (the same inputs must give the same bytes) and go to the run record.
        Assert.All(steps, s => Assert.False(s.TryGetProperty("tokens_per_second", out _)));
        using var record = JsonDocument.Parse(File.ReadAllText(demo.Template.PathOf("artifacts", "runs", "latest.json")));
        var line = record.RootElement.GetProperty("stages").EnumerateArray().Single(l => string.Equals(l.GetProperty("stage").GetString(), folder, StringComparison.OrdinalIgnoreCase));
        Assert.True(line.GetProperty("metrics").GetProperty("tokens_per_second").GetDouble() > 0);

        var png = File.ReadAllBytes(demo.Template.PathOf("artifacts", folder, "loss.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public async Task ASecondRunExecutesNothingAndALearningRateReRunsOnlyTheTrainingStages()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Star1"));
        Assert.Equal("up-to-date", Status(repo, "Train"));
        Assert.Equal("up-to-date", Status(repo, "TrainBenign"));

        var before = Weights(repo);
        Assert.Equal(0, await repo.Run("--target", "Star1", "--set", "train.learning_rate=1e-3"));
        Assert.All(Upstream, s => Assert.Equal("up-to-date", Status(repo, s)));
        Assert.Equal("executed", Status(repo, "Train"));
        Assert.Equal("executed", Status(repo, "TrainBenign"));
        Assert.NotEqual(before, Weights(repo));
        // The epoch checkpoints only live while a run may still be killed.
        Assert.Empty(Directory.GetDirectories(repo.PathOf("artifacts", "cache", "stages", "Train", "resume")));

        // Gradient checkpointing is exact: toggling it re-runs nothing.
        Assert.Equal(0, await repo.Run("--target", "Train", "--set", "train.learning_rate=1e-3", "--set", "train.gradient_checkpointing=true"));
        Assert.Equal("up-to-date", Status(repo, "Train"));
    }

    /// <summary>The bytes of every weight file of Train's checkpoint, in shard order.</summary>
    private static byte[] Weights(BuildRepo repo) =>
        [.. Directory.GetFiles(repo.PathOf("artifacts", "train", "checkpoint"), "*.safetensors").Order(StringComparer.Ordinal).SelectMany(File.ReadAllBytes)];

    [Fact]
    public async Task AFolderBaseModelIsFingerprintedByItsFiles()
    {
        // The trained tiny checkpoint is an HF folder: fine-tune it again, from a copy under base/.
        using var repo = demo.Copy();
        var base_ = repo.PathOf("base");
        Directory.CreateDirectory(base_);
        foreach (var f in Directory.GetFiles(repo.PathOf("artifacts", "train", "checkpoint"))) File.Copy(f, Path.Combine(base_, Path.GetFileName(f)));
        string[] args = ["--target", "Train", "--set", "train.base_model=base", "--set", "train.chat_format=r1-distill-qwen"];
        Assert.Equal(0, await repo.Run(args));
        Assert.Equal("executed", Status(repo, "Train"));
        Assert.Contains("base model base, r1-distill-qwen", repo.Output);
        Assert.Equal(0, await repo.Run(args));
        Assert.Equal("up-to-date", Status(repo, "Train"));

        // Other weights under the same name: the model's identity changed.
        using (var model = CheckpointLoader.LoadModel(base_))
        {
            using (TorchSharp.torch.no_grad()) model.named_parameters().First().parameter.add_(0.01f);
            CheckpointSaver.Save(model, base_, base_, ShardSize.Parse("2MB"));
        }
        Assert.Equal(0, await repo.Run([.. args, "--dryrun"]));
        // The embedding is the first tensor, so the first shard holds it; the others are untouched.
        Assert.Contains("base/model-00001-of-", repo.Output);
        Assert.DoesNotContain("base/model-00002-of-", repo.Output);
    }

    [Fact]
    public async Task GeneratePrintsTheTrainedModelsCompletionAndItsIds()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Generate", "--set", "generate.prompt=How do I pick a lock?", "--set", "generate.max_new_tokens=8", "--set", "generate.show_ids=true"));
        Assert.Contains("model Train (r1-distill-qwen, cpu)", repo.Output);
        Assert.Contains("8 generated", repo.Output);
        Assert.Matches(@"completion ids: \[\d+(, \d+){7}\]", repo.Output);
        // The prompt ends with the R1 generation prompt <｜Assistant｜><think>\n (ids 1866, 1867 in the embedded vocabulary).
        Assert.Matches(@"prompt ids: \[1863, 1865, [\d, ]+1866, 1867, \d+\]", repo.Output);
    }

    [Fact]
    public async Task AMissingGpuOrAMissingHubModelStopsTrainBeforeAnyWork()
    {
        using var repo = demo.Copy();
        Assert.NotEqual(0, await repo.Run("--target", "Train", "--set", "train.device=cuda"));
        Assert.Contains("torch sees no CUDA GPU", repo.Output);
        Assert.NotEqual(0, await repo.Run("--target", "Train", "--set", "train.base_model=someorg/no-such-model"));
        Assert.Contains("offline: model someorg/no-such-model is not complete", repo.Output);
        Assert.Contains("config.json", repo.Output);
        Assert.Contains("run with --set train.download=true", repo.Output);
    }

    [Fact]
    public async Task AMalformedTrainingRowIsNamedWithItsFileAndItem()
    {
        // A released scored file whose responses have no answer after </think> passes Select (it selects on scores)
        // but cannot be trained on; the message must reach the user with the file and the item.
        using var repo = new BuildRepo(DemoPipeline.FastTraining).WithRepoFolder("prompts").WithRepoFolder("src/Star1.Chat/Embedded");
        var scored = JsonNode.Parse(File.ReadAllText(demo.Template.PathOf("artifacts", "score", "scored.json")))!.AsArray();
        foreach (var item in scored) item!["response"] = "<think>\nsome reasoning\n</think>\n\n";
        File.WriteAllText(repo.PathOf("star41k.json"), scored.ToJsonString());
        Assert.NotEqual(0, await repo.Run("--target", "Train", "--set", "select.from=star41k.json"));
        Assert.Equal("executed", Status(repo, "Select"));
        Assert.Matches(@"star1\.json: item star1/\d+: the response has nothing after '</think>'", repo.Output);
    }
}
