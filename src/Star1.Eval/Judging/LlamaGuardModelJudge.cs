using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Llm;
using ChatMessage = Star1.Chat.Formats.ChatMessage;
using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using Star1.Modeling.Generation;
using static TorchSharp.torch;

namespace Star1.Eval.Judging;

/// <summary>
/// Llama-Guard-3 run in process (no endpoint): a Hugging Face checkpoint folder (config.json, safetensors,
/// tokenizer.json) loaded with <see cref="CheckpointLoader"/> and <see cref="HfTokenizer"/>. Each [prompt, response]
/// pair is rendered with <see cref="LlamaGuard3Format"/> (the conversation [user: prompt, assistant: full output
/// including the reasoning], PAPER.md section 6), continued greedily by <see cref="TokenGenerator"/> until
/// <c>&lt;|eot_id|&gt;</c> (or the format's other stop tokens) or <c>maxTokens</c> (the paper: 100), decoded and
/// read by <see cref="LlamaGuardVerdict"/>. An output that is not a verdict is a failure naming the item, never
/// counted as safe or unsafe.
/// </summary>
public sealed class LlamaGuardModelJudge : IDisposable
{
    private readonly CausalLm _model;
    private readonly HfTokenizer _tokenizer;
    private readonly ChatTemplate _template;
    private readonly int _maxTokens;

    /// <param name="folder">The checkpoint folder (meta-llama/Llama-Guard-3-8B's layout).</param>
    /// <param name="maxTokens">The most tokens the judge may write per item (PAPER.md section 6: 100).</param>
    /// <param name="device">Where to compute; null is the CPU.</param>
    public LlamaGuardModelJudge(string folder, int maxTokens = 100, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        _maxTokens = maxTokens;
        _tokenizer = HfTokenizer.Load(folder);
        try
        {
            // Binding first: a tokenizer without the Llama 3 turn markers stops here, before the weights are read.
            _template = new ChatTemplate(ChatFormats.LlamaGuard3, _tokenizer);
            _model = CheckpointLoader.LoadModel(folder, device);
        }
        catch
        {
            _tokenizer.Dispose();
            throw;
        }
        if (_model.Config.VocabSize < _tokenizer.VocabSize)
        {
            Dispose();
            throw new InvalidOperationException(
                $"{folder}: the model's vocabulary ({_model.Config.VocabSize}) is smaller than the tokenizer's ({_tokenizer.VocabSize})");
        }
    }

    /// <summary>The ids the model is given for one pair: the Llama Guard generation prompt for [user, assistant].</summary>
    public int[] PromptIds(string prompt, string response) =>
        _template.EncodeGenerationPrompt([ChatMessage.User(prompt), ChatMessage.Assistant(response)]);

    /// <summary>
    /// Verdicts in item order. Items are generated <paramref name="batchSize"/> at a time, grouped by prompt length
    /// so a batch pads little; greedy left-padded batches continue each prompt as it would be continued alone.
    /// </summary>
    public IReadOnlyList<ParseResult<SafetyVerdict>> Judge(IReadOnlyList<(string Prompt, string Response)> items, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var prompts = items.Select(i => PromptIds(i.Prompt, i.Response)).ToArray();
        var order = Enumerable.Range(0, items.Count).OrderBy(i => prompts[i].Length).ToArray();
        var options = new GenerationOptions
        {
            MaxNewTokens = _maxTokens,
            Temperature = 0,
            StopTokenIds = _template.StopIds,
            PadTokenId = _template.EndOfTurnId,
        };
        var generator = new TokenGenerator(_model);
        var results = new ParseResult<SafetyVerdict>[items.Count];
        foreach (var batch in order.Chunk(batchSize))
        {
            var outputs = generator.Generate([.. batch.Select(i => (IReadOnlyList<int>)prompts[i])], options);
            for (int k = 0; k < batch.Length; k++) results[batch[k]] = Read(batch[k], outputs[k]);
        }
        return results;
    }

    private ParseResult<SafetyVerdict> Read(int item, GenerationResult output)
    {
        var text = _tokenizer.Decode(output.Tokens, skipSpecial: true);
        var verdict = LlamaGuardVerdict.Parse(text);
        if (verdict.Ok) return verdict;
        var ending = output.Reason == StopReason.MaxNewTokens ? $", cut at {_maxTokens} tokens" : "";
        var shown = text.Length <= 80 ? text : text[..77] + "...";
        return ParseResult<SafetyVerdict>.Failure($"item {item}: {verdict.Error} (output{ending}: \"{shown.ReplaceLineEndings("\\n")}\")");
    }

    public void Dispose()
    {
        _model.Dispose();
        _tokenizer.Dispose();
    }
}
