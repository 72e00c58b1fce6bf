using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using Star1.Modeling.Generation;
using static TorchSharp.torch;

namespace Star1.Modeling.Tests;

public class GeneratorTests
{
    static readonly int[][] Prompts = [[5, 17, 9, 30, 12, 44], [7, 21, 3]];

    [Theory]
    [InlineData("qwen2")]
    [InlineData("llama")]
    public void Kv_cache_decoding_gives_the_logits_of_full_recomputation(string name)
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder(name));
        using var _ = no_grad();
        // Row 1 is left-padded by 3; both rows then decode 5 more tokens one at a time.
        var ids = tensor(new long[] { 5, 17, 9, 30, 12, 44, 0, 0, 0, 7, 21, 3 }, [2, 6]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1 }, [2, 6]);
        var more = tensor(new long[] { 8, 9, 10, 11, 12, 40, 41, 42, 43, 44 }, [2, 5]);
        using var cache = model.NewCache();
        model.Forward(ids, mask, cache);
        for (int i = 0; i < 5; i++)
        {
            var step = more.narrow(1, i, 1);
            var fullMask = cat([mask, ones(2, i + 1, dtype: ScalarType.Int64)], 1);
            var cached = model.Forward(step, fullMask, cache);
            var full = model.Forward(cat([ids, more.narrow(1, 0, i + 1)], 1), fullMask).narrow(1, 6 + i, 1);
            var diff = (cached - full).abs().max().item<float>();
            Assert.True(diff < 1e-5, $"step {i}: {diff}");
        }
        Assert.Equal(11, cache.Length);
    }

    [Fact]
    public void Generation_with_and_without_the_cache_is_the_same()
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("llama"));
        var options = new GenerationOptions { MaxNewTokens = 12 };
        var withCache = new TokenGenerator(model).Generate(Prompts, options);
        var without = new TokenGenerator(model).Generate(Prompts, options with { UseKvCache = false });
        Assert.Equal(withCache.Select(r => r.Tokens), without.Select(r => r.Tokens));
        Assert.All(withCache, r => Assert.Equal(12, r.Tokens.Length));
    }

    [Fact]
    public void A_left_padded_batch_generates_what_each_prompt_generates_alone()
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("qwen2"));
        var options = new GenerationOptions { MaxNewTokens = 10, RepetitionPenalty = 1.2 };
        var batch = new TokenGenerator(model).Generate(Prompts, options);
        for (int r = 0; r < Prompts.Length; r++)
            Assert.Equal(new TokenGenerator(model).Generate([Prompts[r]], options)[0].Tokens, batch[r].Tokens);
    }

    [Fact]
    public void A_row_stops_at_its_stop_token_and_the_others_go_on()
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("qwen2"));
        var free = new TokenGenerator(model).Generate(Prompts, new GenerationOptions { MaxNewTokens = 8 });
        int stop = free[0].Tokens[2];
        Assert.DoesNotContain(stop, free[1].Tokens);   // the fixture is chosen so that row 1 never meets it
        var stopped = new TokenGenerator(model).Generate(Prompts, new GenerationOptions { MaxNewTokens = 8, StopTokenIds = [stop] });
        int first = Array.IndexOf(free[0].Tokens, stop);
        Assert.Equal(free[0].Tokens[..(first + 1)], stopped[0].Tokens);
        Assert.Equal(StopReason.StopToken, stopped[0].Reason);
        Assert.Equal(free[1].Tokens, stopped[1].Tokens);
        Assert.Equal(StopReason.MaxNewTokens, stopped[1].Reason);
    }

    [Fact]
    public void Sampling_is_reproducible_with_a_seed_and_varies_with_it()
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("llama"));
        var options = new GenerationOptions { MaxNewTokens = 16, Temperature = 1.5, TopP = 0.95, Seed = 1 };
        var a = new TokenGenerator(model).Generate(Prompts, options);
        var b = new TokenGenerator(model).Generate(Prompts, options);
        var c = new TokenGenerator(model).Generate(Prompts, options with { Seed = 2 });
        Assert.Equal(a.Select(r => r.Tokens), b.Select(r => r.Tokens));
        Assert.NotEqual(a.Select(r => r.Tokens), c.Select(r => r.Tokens));
        var greedy = new TokenGenerator(model).Generate(Prompts, options with { Temperature = 0 });
        Assert.NotEqual(a.Select(r => r.Tokens), greedy.Select(r => r.Tokens));
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens()
    {
        var logits = tensor(new float[] { 2, -2, 3, -1, 0.5f }, [1, 5]);
        var seen = tensor(new[] { true, true, false, false, true }, [1, 5]);
        var result = LogitsProcessing.RepetitionPenalty(logits, seen, 2.0).data<float>().ToArray();
        Assert.Equal(new float[] { 1, -4, 3, -1, 0.25f }, result);
    }

    [Fact]
    public void Repetition_penalty_counts_prompt_tokens_but_not_padding()
    {
        using var model = CheckpointLoader.LoadModel(Fixture.Folder("qwen2"));
        var greedy = new TokenGenerator(model).Generate([Prompts[0]], new GenerationOptions { MaxNewTokens = 20 })[0].Tokens;
        var penalised = new TokenGenerator(model).Generate([Prompts[0]], new GenerationOptions { MaxNewTokens = 20, RepetitionPenalty = 100 })[0].Tokens;
        // A huge penalty forbids repeats of anything seen, prompt included (the tiny model repeats greedily).
        Assert.True(greedy.Distinct().Count() < greedy.Length || greedy.Intersect(Prompts[0]).Any());
        Assert.Equal(penalised.Length, penalised.Distinct().Count());
        Assert.Empty(penalised.Intersect(Prompts[0]));
        // Padding does not count: pad the short row with the very token it produces first, and it still
        // produces it (a penalty of 100 on it would rule it out).
        var alone = new TokenGenerator(model).Generate([Prompts[1]], new GenerationOptions { MaxNewTokens = 6, RepetitionPenalty = 100 })[0].Tokens;
        var padded = new TokenGenerator(model).Generate(Prompts, new GenerationOptions { MaxNewTokens = 6, RepetitionPenalty = 100, PadTokenId = alone[0] })[1].Tokens;
        Assert.Equal(alone, padded);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p_and_always_the_best_token()
    {
        // probabilities 0.5, 0.3, 0.15, 0.05
        var logits = log(tensor(new float[] { 0.15f, 0.5f, 0.05f, 0.3f }, [1, 4]));
        var kept = LogitsProcessing.TopP(logits, 0.8).isfinite().data<bool>().ToArray();
        Assert.Equal(new[] { false, true, false, true }, kept);
        kept = LogitsProcessing.TopP(logits, 0.81).isfinite().data<bool>().ToArray();
        Assert.Equal(new[] { true, true, false, true }, kept);
        kept = LogitsProcessing.TopP(logits, 0.01).isfinite().data<bool>().ToArray();
        Assert.Equal(new[] { false, true, false, false }, kept);
    }
}
