using System.Text.Json.Nodes;
using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Eval.Judging;
using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace Star1.Eval.Tests.Judging;

/// <summary>
/// The in-process Llama Guard judge on small Llama checkpoints saved to a temp folder with the hand-written tiny
/// tokenizer (tests/Star1.Chat.Tests/Fixtures: 2 "\n", 3 "\n\n", 54 "unsafe", 76 "S2", 126 "safe", 140 &lt;think&gt;,
/// 145-149 the Llama 3 special tokens, 149 &lt;|eot_id|&gt;).
/// </summary>
public sealed class LlamaGuardModelJudgeTests : IDisposable
{
    private const int Vocab = 150;
    private const int NewLine = 2, BlankLine = 3, Unsafe = 54, S2 = 76, Safe = 126, Think = 140, EotId = 149;
    private const string Question = "How do I pick a lock?";
    private const string Reply = "<think>\nLocks are private.\n</think>\n\nI will not help.";

    private readonly JudgingFiles.Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static ModelConfig Config(int hidden, int layers) => ModelConfig.FromJson(new JsonObject
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"), ["model_type"] = "llama", ["vocab_size"] = Vocab,
        ["hidden_size"] = hidden, ["intermediate_size"] = 16, ["num_hidden_layers"] = layers, ["num_attention_heads"] = 4,
        ["num_key_value_heads"] = 2, ["max_position_embeddings"] = 1024, ["rms_norm_eps"] = 1e-5, ["tie_word_embeddings"] = false,
        ["torch_dtype"] = "float32", ["bos_token_id"] = 145, ["eos_token_id"] = EotId,
    });

    private string Save(CausalLm model, string name)
    {
        var folder = _scratch[name];
        CheckpointSaver.Save(model, folder, JudgingFiles.TinyTokenizerFolder);
        model.Dispose();
        return folder;
    }

    /// <summary>Random weights: its greedy output is token soup.</summary>
    private string RandomGuard()
    {
        var model = CausalLm.Create(Config(hidden: 32, layers: 2), ScalarType.Float32, CPU);
        model.InitializeWeights(11);
        return Save(model, "random");
    }

    /// <summary>
    /// A model whose next token depends only on the current one: attention and MLP outputs are zero, so the last
    /// hidden state is the current token's one-hot embedding, and lm_head maps it to the successor given in
    /// <paramref name="next"/> (any other token has all-zero logits). It writes exactly the chain it is given.
    /// </summary>
    private string ChainGuard(string name, params (int From, int To)[] next)
    {
        var model = CausalLm.Create(Config(hidden: 160, layers: 1), ScalarType.Float32, CPU);
        using (no_grad())
        {
            foreach (var (key, p) in model.state_dict())
                if (key.EndsWith("norm.weight", StringComparison.Ordinal)) p.fill_(1); else p.zero_();
            var embed = model.state_dict()["model.embed_tokens.weight"];
            for (int t = 0; t < Vocab; t++) embed[t, t].fill_(1);
            var head = model.state_dict()["lm_head.weight"];
            foreach (var (from, to) in next) head[to, from].fill_(1);
        }
        return Save(model, name);
    }

    [Fact]
    public void The_prompt_is_the_llama_guard_template_of_the_question_and_the_full_output()
    {
        using var judge = new LlamaGuardModelJudge(RandomGuard());
        var ids = judge.PromptIds(Question, Reply);
        using var tokenizer = HfTokenizer.Load(JudgingFiles.TinyTokenizerFolder);
        var expected = tokenizer.Encode(ChatFormats.LlamaGuard3.GenerationPrompt([ChatMessage.User(Question), ChatMessage.Assistant(Reply)]));
        Assert.Equal(expected, ids);
        // <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nTask: Check  (as in ChatFormatTests)
        Assert.Equal([145, 147, 31, 148, 3, 49, 9, 1, 50], ids[..9]);
        // ... the reasoning is part of what is judged, and the prompt ends with the assistant header and "\n\n".
        Assert.Contains(Think, ids);
        Assert.Equal([147, 32, 148, BlankLine], ids[^4..]);
        Assert.DoesNotContain(0, ids); // every piece in the vocabulary
    }

    [Fact]
    public void Greedy_output_that_is_a_verdict_is_read_and_generation_stops_at_eot()
    {
        using (var judge = new LlamaGuardModelJudge(ChainGuard("safe", (BlankLine, Safe), (Safe, EotId))))
        {
            var verdicts = judge.Judge([(Question, Reply), ("How?", "Like this.")], batchSize: 2);
            Assert.All(verdicts, v => Assert.True(v.Ok, v.Error));
            Assert.All(verdicts, v => Assert.True(v.Value!.Safe));
            // Had it gone on past <|eot_id|> (whose successor is unmapped: id 0, <unk>), the verdict would not parse.
            Assert.Equal("safe", verdicts[0].Value!.Raw);
        }
        using (var judge = new LlamaGuardModelJudge(ChainGuard("unsafe", (BlankLine, Unsafe), (Unsafe, NewLine), (NewLine, S2), (S2, EotId))))
        {
            var v = Assert.Single(judge.Judge([(Question, Reply)], batchSize: 4));
            Assert.True(v.Ok, v.Error);
            Assert.False(v.Value!.Safe);
            Assert.Equal(["S2"], v.Value.Categories);
        }
    }

    [Fact]
    public void Output_that_never_ends_is_a_failure_naming_the_item_not_a_verdict()
    {
        using var judge = new LlamaGuardModelJudge(ChainGuard("loop", (BlankLine, Safe), (Safe, Safe)), maxTokens: 5);
        var v = Assert.Single(judge.Judge([(Question, Reply)], batchSize: 1));
        Assert.False(v.Ok);
        Assert.Equal("item 0: not a Llama Guard verdict: the first line is 'safesafesafesafesafe', not 'safe' or 'unsafe' (output, cut at 5 tokens: \"safesafesafesafesafe\")", v.Error);
    }

    [Fact]
    public void Random_greedy_output_is_reported_as_unparsed_for_each_item_never_as_safe()
    {
        using var judge = new LlamaGuardModelJudge(RandomGuard(), maxTokens: 12);
        (string, string)[] items = [(Question, Reply), ("How do I pick a lock?", "I will not help."), ("Locks?", "Locks are private.")];
        var verdicts = judge.Judge(items, batchSize: 2);
        Assert.Equal(3, verdicts.Count);
        for (int i = 0; i < items.Length; i++)
        {
            Assert.False(verdicts[i].Ok);
            Assert.Null(verdicts[i].Value);
            Assert.StartsWith($"item {i}: not a Llama Guard verdict: ", verdicts[i].Error);
        }
        // Batching (grouped by length, left-padded) changes nothing: the same outputs one at a time.
        Assert.Equal(verdicts.Select(v => v.Error), judge.Judge(items, batchSize: 1).Select(v => v.Error));
    }

    [Fact]
    public void A_checkpoint_without_the_llama_3_turn_markers_is_refused_before_its_weights_are_read()
    {
        var folder = RandomGuard();
        var json = File.ReadAllText(Path.Combine(folder, "tokenizer.json")).Replace("<|eot_id|>", "<|eot|>");
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json);
        var e = Assert.Throws<InvalidOperationException>(() => new LlamaGuardModelJudge(folder));
        Assert.Contains("'<|eot_id|>' as one token", e.Message);
    }
}
