namespace Star1.Chat.Formats;

/// <summary>
/// Qwen2.5-Instruct, ChatML: <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, with the
/// template's default system prompt when the conversation does not start with one; generation prompt
/// <c>&lt;|im_start|&gt;assistant\n</c>. No BOS (Qwen2.5 has none).
/// The trained turn ends at <c>&lt;|im_end|&gt;</c> (the EOS of Qwen2.5-Instruct's tokenizer): the newline the
/// template writes after it is glue before the next turn, which an SFT sequence does not have.
/// </summary>
public sealed class Qwen25InstructFormat : ChatFormat
{
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";
    public const string DefaultSystem = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    public override string Name => "qwen2.5-instruct";
    public override IReadOnlyList<string> SpecialTokens { get; } = [ImStart, ImEnd];
    public override string EndOfTurn => ImEnd;
    public override IReadOnlyList<string> ExtraStopTokens { get; } = ["<|endoftext|>"];
    public override bool Reasons => false;

    public override string GenerationPrompt(IReadOnlyList<ChatMessage> messages) => TrainingPrompt(messages);

    public override string TrainingPrompt(IReadOnlyList<ChatMessage> messages)
    {
        var text = new System.Text.StringBuilder();
        if (messages.Count == 0 || messages[0].Role != ChatRole.System) Turn(text, "system", DefaultSystem);
        foreach (var m in messages) Turn(text, m.Role.ToString().ToLowerInvariant(), m.Content);
        return text.Append(ImStart).Append("assistant\n").ToString();
    }

    private static void Turn(System.Text.StringBuilder text, string role, string content) =>
        text.Append(ImStart).Append(role).Append('\n').Append(content).Append(ImEnd).Append('\n');
}
