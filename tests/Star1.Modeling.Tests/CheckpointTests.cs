using System.Text.Json.Nodes;
using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace Star1.Modeling.Tests;

public class CheckpointTests
{
    static void AssertSameParameters(CausalLm a, CausalLm b)
    {
        var left = a.state_dict();
        var right = b.state_dict();
        Assert.Equal(left.Keys.Order(), right.Keys.Order());
        foreach (var (name, t) in left)
        {
            Assert.Equal(t.dtype, right[name].dtype);
            Assert.True(t.equal(right[name]).all().item<bool>(), $"{name} differs");
        }
    }

    [Theory]
    [InlineData("qwen2", ScalarType.Float32)]
    [InlineData("llama", ScalarType.BFloat16)]
    public void Save_then_load_is_bit_identical(string name, ScalarType dtype)
    {
        using var scratch = new Fixture.Scratch();
        using var model = CheckpointLoader.LoadModel(Fixture.Folder(name), dtype: dtype);
        CheckpointSaver.Save(model, scratch["saved"], Fixture.Folder(name));
        using var again = CheckpointLoader.LoadModel(scratch["saved"]);
        Assert.Equal(dtype, again.DType);   // config.json records the dtype it was saved in
        AssertSameParameters(model, again);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(scratch["saved"], "config.json")))!;
        Assert.Equal(ModelConfig.DtypeName(dtype), config["torch_dtype"]!.GetValue<string>());
        Assert.Equal(name, config["model_type"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(scratch["saved"], "generation_config.json")));
    }

    [Fact]
    public void Tied_embeddings_are_saved_once_like_transformers()
    {
        using var scratch = new Fixture.Scratch();
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("qwen2"));
        CheckpointSaver.Save(model, scratch["saved"]);
        var names = SafeTensors.ReadHeader(Path.Combine(scratch["saved"], "model.safetensors")).Select(e => e.Name).ToList();
        Assert.Contains("model.embed_tokens.weight", names);
        Assert.Contains("model.layers.1.self_attn.q_proj.bias", names);
        Assert.DoesNotContain("lm_head.weight", names);
    }

    [Fact]
    public void Sharded_save_writes_an_index_and_loads_like_the_single_file()
    {
        using var scratch = new Fixture.Scratch();
        using var single = CheckpointLoader.LoadModel(Fixture.Folder("llama"));
        CheckpointSaver.Save(single, scratch["sharded"], Fixture.Folder("llama"), maxShardBytes: 20_000);
        var folder = scratch["sharded"];
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json")))!;
        var map = index["weight_map"]!.AsObject();
        var files = map.Select(kv => kv.Value!.GetValue<string>()).Distinct().Order().ToList();
        Assert.True(files.Count > 2);
        Assert.Equal($"model-00001-of-{files.Count:D5}.safetensors", files[0]);
        Assert.Equal(single.state_dict().Keys.Order(), map.Select(kv => kv.Key).Order());
        long total = files.Sum(f => SafeTensors.ReadHeader(Path.Combine(folder, f)).Sum(e => e.ByteCount));
        Assert.Equal(total, index["metadata"]!["total_size"]!.GetValue<long>());
        foreach (var f in files)
            Assert.True(SafeTensors.ReadHeader(Path.Combine(folder, f)).Sum(e => e.ByteCount) <= 20_000
                || SafeTensors.ReadHeader(Path.Combine(folder, f)).Count == 1);
        using var sharded = CheckpointLoader.LoadModel(folder);
        AssertSameParameters(single, sharded);
    }

    [Fact]
    public void Tokenizer_files_of_the_source_are_copied()
    {
        using var scratch = new Fixture.Scratch();
        var source = Fixture.CopyOf("qwen2", scratch);
        File.WriteAllText(Path.Combine(source, "tokenizer.json"), "{\"model\":{}}");
        File.WriteAllText(Path.Combine(source, "tokenizer_config.json"), "{}");
        File.WriteAllText(Path.Combine(source, "generation_config.json"), "{\"eos_token_id\": 2, \"temperature\": 0.6}");
        using var model = CheckpointLoader.LoadModel(source);
        CheckpointSaver.Save(model, scratch["out"], source);
        Assert.Equal("{\"model\":{}}", File.ReadAllText(Path.Combine(scratch["out"], "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(scratch["out"], "tokenizer_config.json")));
        Assert.Contains("0.6", File.ReadAllText(Path.Combine(scratch["out"], "generation_config.json")));
    }

    /// <summary>Rewrites a copy of a fixture's weights through <paramref name="edit"/>.</summary>
    static string EditedWeights(Fixture.Scratch scratch, string name, Action<Dictionary<string, Tensor>> edit)
    {
        var folder = Fixture.CopyOf(name, scratch);
        var file = Path.Combine(folder, "model.safetensors");
        var tensors = SafeTensors.ReadAll(file);
        edit(tensors);
        SafeTensors.Write(file, tensors.Select(kv => (kv.Key, kv.Value)).ToList());
        return folder;
    }

    [Fact]
    public void A_missing_tensor_is_named_with_the_file()
    {
        using var scratch = new Fixture.Scratch();
        var folder = EditedWeights(scratch, "llama", t => t.Remove("model.layers.1.mlp.up_proj.weight"));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadModel(folder));
        Assert.Contains("'model.layers.1.mlp.up_proj.weight'", e.Message);
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void A_shape_mismatch_names_file_tensor_and_both_shapes()
    {
        using var scratch = new Fixture.Scratch();
        var folder = Fixture.CopyOf("llama", scratch);
        var configPath = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["intermediate_size"] = 60;
        File.WriteAllText(configPath, config.ToJsonString());
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadModel(folder));
        Assert.Contains(Path.Combine(folder, "model.safetensors"), e.Message);
        Assert.Contains("'model.layers.0.mlp.gate_proj.weight'", e.Message);
        Assert.Contains("[64, 32]", e.Message);
        Assert.Contains("[60, 32]", e.Message);
    }

    [Fact]
    public void An_unexpected_tensor_is_named()
    {
        using var scratch = new Fixture.Scratch();
        var folder = EditedWeights(scratch, "llama", t => t["model.layers.0.self_attn.rotary_emb.inv_freq"] = ones(4));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadModel(folder));
        Assert.Contains("unexpected tensor 'model.layers.0.self_attn.rotary_emb.inv_freq'", e.Message);
    }

    [Fact]
    public void A_dtype_mismatch_is_an_error_unless_conversion_was_asked_for()
    {
        using var scratch = new Fixture.Scratch();
        var folder = EditedWeights(scratch, "qwen2", t => t["model.norm.weight"] = t["model.norm.weight"].to(ScalarType.BFloat16));
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadModel(folder));
        Assert.Contains("'model.norm.weight' is BFloat16", e.Message);
        using var converted = CheckpointLoader.LoadModel(folder, dtype: ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, converted.state_dict()["model.norm.weight"].dtype);
    }

    [Fact]
    public void A_failed_load_reads_nothing_into_the_model()
    {
        using var scratch = new Fixture.Scratch();
        var folder = EditedWeights(scratch, "qwen2", t => t.Remove("model.norm.weight"));
        var config = ModelConfig.Load(Path.Combine(folder, "config.json"));
        using var model = CausalLm.Create(config);
        using (no_grad()) foreach (var p in model.parameters()) p.fill_(7);
        Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.Load(model, folder));
        Assert.All(model.parameters(), p => Assert.True(p.eq(7).all().item<bool>()));
    }
}
