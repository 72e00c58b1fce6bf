using Star1.Chat.Formats;

namespace Star1.Chat.Sft;

/// <summary>
/// Turns training examples into SFT sequences, PAPER.md section 5: a single-turn conversation (the question as
/// the user message, no system prompt) in the model's chat format, loss on the assistant turn only (its end of
/// turn included), and the last <see cref="SftOptions.MaxLength"/> tokens kept when it is longer.
/// </summary>
public static class SftBuilder
{
    /// <summary>The assistant reply that is trained on, as the think/base flags select it from the response.
    /// think_flag 1 takes the response as it is; think_flag 0 needs its <c>&lt;/think&gt;</c> to find the answer.
    /// A response whose answer (after <c>&lt;/think&gt;</c>) is empty is refused either way, naming the item.</summary>
    public static string Reply(SftItem item, SftOptions options, ChatFormat format)
    {
        if (item.Response.Trim().Length == 0) throw new InvalidDataException($"item {item.Key}: the response is empty");
        var close = item.Response.LastIndexOf("</think>", StringComparison.Ordinal);
        if (close < 0 && !options.ThinkFlag)
            throw new InvalidDataException($"item {item.Key}: the response has no '</think>', so think_flag 0 cannot tell its answer from its reasoning");
        var answer = close < 0 ? item.Response.Trim() : item.Response[(close + "</think>".Length)..].Trim();
        if (answer.Length == 0)
            throw new InvalidDataException($"item {item.Key}: the response has nothing after '</think>' (empty answer)");
        if (options.ThinkFlag) return item.Response;
        var bare = options.BaseFlag ?? !format.Reasons;
        return bare ? answer : "<think>\n\n</think>\n\n" + answer;
    }

    public static SftSequence Build(SftItem item, ChatTemplate template, SftOptions options)
    {
        if (options.MaxLength < 1) throw new ArgumentOutOfRangeException(nameof(options), "max_length must be at least 1");
        if (string.IsNullOrWhiteSpace(item.Question)) throw new InvalidDataException($"item {item.Key}: the question is empty");
        var turn = template.EncodeTraining([ChatMessage.User(item.Question)], Reply(item, options, template.Format));

        var labels = new int[turn.Ids.Length];
        for (var i = 0; i < labels.Length; i++) labels[i] = i < turn.PromptLength ? SftOptions.IgnoreIndex : turn.Ids[i];

        // Left truncation: the end of the sequence (the answer and its end of turn) is what the model must learn;
        // a long reasoning loses its beginning, then the prompt does.
        var cut = Math.Max(0, turn.Ids.Length - options.MaxLength);
        return new SftSequence(item.Key, turn.Ids[cut..], labels[cut..], cut);
    }

    public static IReadOnlyList<SftSequence> BuildAll(IEnumerable<SftItem> items, ChatTemplate template, SftOptions options) =>
        [.. items.Select(i => Build(i, template, options))];
}
