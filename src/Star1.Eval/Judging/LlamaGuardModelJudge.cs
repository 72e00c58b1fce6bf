using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Llm;
using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using Star1.Eval.Generation;
using static TorchSharp.torch;

namespace Star1.Eval.Judging;

/// <summary>
/// Llama-Guard-3 run in process (no endpoint): a Hugging Face checkpoint folder (config.json, safetensors,
/// tokenizer.json) loaded with <see cref="CheckpointLoader"/> and <see cref="HfTokenizer"/>. Each [prompt, response]
/// pair is rendered with <see cref="LlamaGuard3Format"/> (the conversation [user: prompt, assistant: full output
/// including the reasoning], PAPER.md section 6), continued greedily by <see cref="LocalChatModel"/> until
/// <c>&lt;|eot_id|&gt;</c> (or the format's other stop tokens) or <c>maxTokens</c> (the paper: 100), decoded and
/// read by <see cref="LlamaGuardVerdict"/>. An output that is not a verdict is a failure naming the item, never
/// counted as safe or unsafe.
/// </summary>
public sealed class LlamaGuardModelJudge : IDisposable
{
    private readonly LocalChatModel _chat;
    private readonly int _maxTokens;

    /// <param name="folder">The checkpoint folder (meta-llama/Llama-Guard-3-8B's layout).</param>
    /// <param name="maxTokens">The most tokens the judge may write per item (PAPER.md section 6: 100).</param>
    /// <param name="device">Where to compute; null is the CPU.</param>
    public LlamaGuardModelJudge(string folder, int maxTokens = 100, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        _maxTokens = maxTokens;
        _chat = Open(folder, device);
    }

    /// <summary>
    /// The judge as a chat model (what the Eval stage runs through its judge cache): the tokenizer bound to the
    /// Llama Guard format first, so a tokenizer without the Llama 3 turn markers stops before the weights are read,
    /// and a model whose vocabulary is smaller than the tokenizer's is refused.
    /// </summary>
    public static LocalChatModel Open(string folder, Device? device = null, ScalarType? dtype = null)
    {
        var tokenizer = HfTokenizer.Load(folder);
        CausalLm? model = null;
        try
        {
            _ = new ChatTemplate(ChatFormats.LlamaGuard3, tokenizer);
            model = CheckpointLoader.LoadModel(folder, device, dtype);
            if (model.Config.VocabSize < tokenizer.VocabSize)
                throw new InvalidOperationException(
                    $"{folder}: the model's vocabulary ({model.Config.VocabSize}) is smaller than the tokenizer's ({tokenizer.VocabSize})");
            return new LocalChatModel(model, tokenizer, ChatFormats.LlamaGuard3);
        }
        catch
        {
            model?.Dispose();
            tokenizer.Dispose();
            throw;
        }
    }

    /// <summary>The ids the model is given for one pair: the Llama Guard generation prompt for [user, assistant].</summary>
    public int[] PromptIds(string prompt, string response) => _chat.PromptIds(Request(prompt, response));

    private ChatRequest Request(string prompt, string response) => LlamaGuardRequests.Build(prompt, response, "local", _maxTokens);

    /// <summary>
    /// Verdicts in item order. Items are generated <paramref name="batchSize"/> at a time, grouped by prompt length
    /// so a batch pads little; greedy left-padded batches continue each prompt as it would be continued alone.
    /// </summary>
    public IReadOnlyList<ParseResult<SafetyVerdict>> Judge(IReadOnlyList<(string Prompt, string Response)> items, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var requests = items.Select(i => Request(i.Prompt, i.Response)).ToArray();
        var order = Enumerable.Range(0, items.Count).OrderBy(i => _chat.PromptIds(requests[i]).Length).ToArray();
        var results = new ParseResult<SafetyVerdict>[items.Count];
        foreach (var batch in order.Chunk(batchSize))
        {
            var answers = _chat.Answer([.. batch.Select(i => requests[i])]);
            for (int k = 0; k < batch.Length; k++) results[batch[k]] = Read(batch[k], answers[k]);
        }
        return results;
    }

    private ParseResult<SafetyVerdict> Read(int item, ChatAnswer answer)
    {
        var verdict = LlamaGuardVerdict.Parse(answer.Content);
        if (verdict.Ok) return verdict;
        var ending = answer.FinishReason == "length" ? $", cut at {_maxTokens} tokens" : "";
        var shown = answer.Content.Length <= 80 ? answer.Content : answer.Content[..77] + "...";
        return ParseResult<SafetyVerdict>.Failure($"item {item}: {verdict.Error} (output{ending}: \"{shown.ReplaceLineEndings("\\n")}\")");
    }

    public void Dispose() => _chat.Dispose();
}
