using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace Star1.Modeling.Tests;

public class ArchitectureTests
{
    [Fact]
    public void Parameter_names_are_hugging_faces()
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("llama"));
        var names = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.embed_tokens.weight", names);
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", names);
        Assert.Contains("model.layers.1.mlp.down_proj.weight", names);
        Assert.Contains("model.layers.1.post_attention_layernorm.weight", names);
        Assert.Contains("model.norm.weight", names);
        Assert.Contains("lm_head.weight", names);
        Assert.DoesNotContain("model.layers.0.self_attn.q_proj.bias", names);   // Llama: no attention bias
        Assert.Equal(2 * 9 + 3, names.Count);
    }

    [Fact]
    public void Grouped_query_attention_has_fewer_key_value_heads()
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("llama"));
        Assert.True(model.Config.NumKeyValueHeads < model.Config.NumAttentionHeads);
        var sd = model.state_dict();
        Assert.Equal(new long[] { model.Config.NumKeyValueHeads * model.Config.HeadDim, 32 }, sd["model.layers.0.self_attn.k_proj.weight"].shape);
        Assert.Equal(new long[] { 32, 32 }, sd["model.layers.0.self_attn.q_proj.weight"].shape);
    }

    [Fact]
    public void Gradient_checkpointing_gives_the_same_loss_and_gradients()
    {
        var expected = Fixture.Expected("qwen2");
        var ids = expected["input_ids"].narrow(0, 0, 1);
        Dictionary<string, Tensor> Grads(bool checkpoint)
        {
            using var model = CheckpointLoader.LoadModel(Fixture.Folder("qwen2"));
            model.GradientCheckpointing = checkpoint;
            var logits = model.forward(ids);
            var loss = nn.functional.cross_entropy(logits.narrow(1, 0, 6).reshape(-1, 96), ids.narrow(1, 1, 6).reshape(-1));
            loss.backward();
            return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }
        var plain = Grads(false);
        var checkpointed = Grads(true);
        foreach (var (name, g) in plain)
            Assert.True((g - checkpointed[name]).abs().max().item<float>() < 1e-6, name);
        Assert.True(plain["model.layers.0.self_attn.q_proj.weight"].abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Bfloat16_forward_stays_close_to_float32()
    {
        var expected = Fixture.Expected("llama");
        using var fp32 = CheckpointLoader.LoadModel(Fixture.Folder("llama"));
        using var bf16 = CheckpointLoader.LoadModel(Fixture.Folder("llama"), dtype: ScalarType.BFloat16);
        using var _ = no_grad();
        var ids = expected["input_ids"].narrow(0, 0, 1);
        var a = fp32.forward(ids);
        var b = bf16.forward(ids);
        Assert.Equal(ScalarType.BFloat16, b.dtype);
        var diff = (a - b.to(ScalarType.Float32)).abs().max().item<float>();
        Assert.InRange(diff, 1e-6, 0.25);   // not identical (it really is bf16), but close
    }

    [Fact]
    public void A_new_model_is_initialised_from_the_seed()
    {
        var config = ModelConfig.Load(Path.Combine(Fixture.Folder("qwen2"), "config.json"));
        Tensor Weights(long seed)
        {
            using var m = CausalLm.Create(config);
            m.InitializeWeights(seed);
            Assert.True(m.state_dict()["model.norm.weight"].eq(1).all().item<bool>());
            Assert.True(m.state_dict()["model.layers.0.self_attn.k_proj.bias"].eq(0).all().item<bool>());
            return m.state_dict()["model.layers.0.mlp.up_proj.weight"].clone();
        }
        var w = Weights(7);
        Assert.True(w.equal(Weights(7)).all().item<bool>());
        Assert.False(w.equal(Weights(8)).all().item<bool>());
        Assert.InRange(w.std().item<float>(), 0.015, 0.025);   // initializer_range 0.02
    }
}
