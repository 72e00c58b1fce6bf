using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace Star1.Modeling.Tests;

/// <summary>Logits of the tiny random checkpoints against an independent PyTorch forward pass
/// (Fixtures/make_fixtures.py), row 1 left-padded: batched, padded logits equal each row computed alone.</summary>
public class ReferenceLogitsTests
{
    [Theory]
    [InlineData("qwen2")]
    [InlineData("llama")]
    public void Logits_match_the_pytorch_reference_to_1e_4(string name)
    {
        var expected = Fixture.Expected(name);
        using var model = CheckpointLoader.LoadModel(Fixture.Folder(name));
        using var _ = no_grad();
        var logits = model.Forward(expected["input_ids"], expected["attention_mask"]);
        var real = expected["attention_mask"].to(ScalarType.Bool).unsqueeze(-1);
        var diff = (logits - expected["logits"]).abs().masked_fill(~real, 0).max().item<float>();
        Assert.True(diff < 1e-4, $"{name}: max |logit - reference| = {diff}");
        // The reference is not trivially small: a wrong model would be far off.
        Assert.True(expected["logits"].abs().max().item<float>() > 1);
    }

    [Fact]
    public void Unpadded_batch_without_mask_takes_the_causal_path_and_matches_too()
    {
        var expected = Fixture.Expected("qwen2");
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("qwen2"));
        using var _ = no_grad();
        var row0 = expected["input_ids"].narrow(0, 0, 1);
        var logits = model.Forward(row0);
        Assert.True((logits - expected["logits"].narrow(0, 0, 1)).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void Llama3_rope_frequencies_match_the_reference_in_all_three_regimes()
    {
        var config = ModelConfig.Load(Path.Combine(Fixture.Folder("llama"), "config.json"));
        Assert.Equal("llama3", config.RopeScaling!.Type);
        var plain = Rotary.DefaultFrequencies(config.HeadDim, config.RopeTheta);
        var scaled = Llama.Llama3(plain, config.RopeScaling);
        var reference = Fixture.Expected("llama")["inv_freq"].data<float>().ToArray();
        for (int i = 0; i < scaled.Length; i++) Assert.Equal(reference[i], scaled[i], 1e-6f);
        Assert.Equal(plain[0], scaled[0]);                                    // short wavelength: kept
        Assert.Equal(plain[^1] / 8, scaled[^1], 1e-7f);                       // long: divided by factor
        Assert.InRange(scaled[1], plain[1] / 8 + 1e-6f, plain[1] - 1e-6f);   // in between: blended
    }

    [Fact]
    public void Config_is_read_from_config_json()
    {
        var qwen = ModelConfig.Load(Path.Combine(Fixture.Folder("qwen2"), "config.json"));
        Assert.True(qwen.TieWordEmbeddings);
        Assert.True(qwen.AttentionBias);
        Assert.Equal(2, qwen.NumKeyValueHeads);
        var llama = ModelConfig.Load(Path.Combine(Fixture.Folder("llama"), "config.json"));
        Assert.False(llama.AttentionBias);
        Assert.Equal([2, 3], llama.EosTokenIds);
        Assert.Equal(1e-5, llama.RmsNormEps);
    }

    [Theory]
    [InlineData("use_sliding_window", "sliding-window attention is not implemented")]
    [InlineData("mlp_bias", "mlp_bias is true")]
    public void Configs_asking_for_what_is_not_implemented_are_refused_by_name(string key, string message)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture.Folder("qwen2"), "config.json")))!.AsObject();
        json[key] = true;
        var e = Assert.Throws<NotSupportedException>(() => ModelConfig.FromJson(json, "x/config.json"));
        Assert.StartsWith("x/config.json: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
