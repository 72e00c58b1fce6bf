using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Llm;
using Star1.Modeling.Architectures;
using Star1.Modeling.Generation;
using ChatRole = Star1.Chat.Formats.ChatRole;
using FormatMessage = Star1.Chat.Formats.ChatMessage;

namespace Star1.Eval.Generation;

/// <summary>
/// A model held in this process that answers chat requests the way an OpenAI-compatible server would: the
/// messages rendered in the model's chat format with its generation prompt, the settings mapped onto the
/// TorchSharp generator (greedy at temperature 0, top-p, Hugging Face repetition penalty, max tokens), and the
/// reply decoded. Requests are answered in batches with the KV cache; the caller decides which requests need
/// answering at all (<see cref="CachedGeneration"/>).
/// </summary>
public sealed class LocalChatModel : IDisposable
{
    private readonly CausalLm model;
    private readonly HfTokenizer tokenizer;
    private readonly ChatTemplate template;

    public LocalChatModel(CausalLm model, HfTokenizer tokenizer, ChatFormat format)
    {
        this.model = model;
        this.tokenizer = tokenizer;
        Format = format;
        template = new ChatTemplate(format, tokenizer);
    }

    public ChatFormat Format { get; }

    /// <summary>The prompt ids a request is answered from (what a test pins, and what the batch feeds the model).</summary>
    public int[] PromptIds(ChatRequest request) => template.EncodeGenerationPrompt(Messages(request));

    /// <summary>
    /// Answers requests that share their settings in one batch. The reply text is what the model produced after the
    /// generation prompt, with the prompt's own opening think tag put back in front (R1 distills' generation prompt
    /// ends in <c>&lt;think&gt;\n</c>), so the stored output is the model's full output, reasoning included, as the
    /// judge must see it (PAPER.md section 6). Finish reason "stop" when a stop token ended it, else "length".
    /// </summary>
    public IReadOnlyList<ChatAnswer> Answer(IReadOnlyList<ChatRequest> requests)
    {
        if (requests.Count == 0) return [];
        var settings = requests[0].Settings;
        if (requests.Any(r => r.Settings != settings))
            throw new ArgumentException("a batch answers requests with the same generation settings only", nameof(requests));
        var prompts = requests.Select(PromptIds).ToList();
        var options = new GenerationOptions
        {
            MaxNewTokens = settings.MaxTokens ?? settings.MaxCompletionTokens ?? 256,
            Temperature = settings.Temperature ?? 0,
            TopP = settings.TopP ?? 1.0,
            RepetitionPenalty = settings.RepetitionPenalty ?? 1.0,
            StopTokenIds = template.StopIds,
            PadTokenId = tokenizer.PadId ?? template.EndOfTurnId,
            Seed = settings.Seed ?? 46,
        };
        var results = new TokenGenerator(model).Generate([.. prompts.Cast<IReadOnlyList<int>>()], options);
        var answers = new List<ChatAnswer>(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var tokens = results[i].Tokens;
            var stopped = results[i].Reason == StopReason.StopToken;
            // The stop token ends the turn; it is not part of what the model said.
            var said = tokenizer.Decode(stopped ? tokens[..^1] : tokens, skipSpecial: false);
            var opening = OpeningOf(Format.GenerationPrompt(Messages(requests[i])));
            answers.Add(new ChatAnswer
            {
                Content = opening + said,
                FinishReason = stopped ? "stop" : "length",
                InputTokens = prompts[i].Length,
                OutputTokens = tokens.Length,
            });
        }
        return answers;
    }

    /// <summary>The think tag a generation prompt opens for the model, if it ends with one.</summary>
    private static string OpeningOf(string generationPrompt) =>
        generationPrompt.EndsWith("<think>\n", StringComparison.Ordinal) ? "<think>\n" : "";

    private static List<FormatMessage> Messages(ChatRequest request) =>
        request.Messages.Select(m => new FormatMessage(m.Role switch
        {
            "system" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            _ => throw new ArgumentException($"a chat message has role '{m.Role}'; expected system, user or assistant"),
        }, m.Content)).ToList();

    public void Dispose()
    {
        model.Dispose();
        tokenizer.Dispose();
    }
}
