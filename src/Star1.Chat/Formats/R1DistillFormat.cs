namespace Star1.Chat.Formats;

/// <summary>
/// DeepSeek-R1-Distill (Qwen 1.5B-32B and Llama 8B/70B share one template; PAPER.md section 5):
/// <c>&lt;｜begin▁of▁sentence｜&gt;{system}&lt;｜User｜&gt;{user}&lt;｜Assistant｜&gt;{reply}&lt;｜end▁of▁sentence｜&gt;</c>,
/// generation prompt <c>&lt;｜Assistant｜&gt;&lt;think&gt;\n</c>.
/// <para>
/// As the published template does: the system prompt (the last system message) goes straight after BOS with no
/// marker; earlier assistant turns keep only what follows their last <c>&lt;/think&gt;</c>. The trained turn keeps
/// its reasoning (the template would strip it; the paper trains on it).
/// </para>
/// <para>
/// BOS: the published template always writes it, so generation prompts start with it for both bases. Training
/// sequences follow the original training (PAPER.md section 5): Qwen-based sequences carry no BOS, Llama-based
/// ones do (<see cref="TrainingBos"/>).
/// </para>
/// </summary>
public sealed class R1DistillFormat(string name, bool trainingBos) : ChatFormat
{
    public const string Bos = "<｜begin▁of▁sentence｜>";
    public const string Eos = "<｜end▁of▁sentence｜>";
    public const string User = "<｜User｜>";
    public const string Assistant = "<｜Assistant｜>";
    public const string ThinkOpen = "<think>";
    public const string ThinkClose = "</think>";

    public override string Name { get; } = name;
    public bool TrainingBos { get; } = trainingBos;
    public override IReadOnlyList<string> SpecialTokens { get; } = [Bos, Eos, User, Assistant, ThinkOpen, ThinkClose];
    public override string EndOfTurn => Eos;
    public override bool Reasons => true;

    public override string GenerationPrompt(IReadOnlyList<ChatMessage> messages) =>
        Conversation(messages, bos: true) + Assistant + ThinkOpen + "\n";

    public override string TrainingPrompt(IReadOnlyList<ChatMessage> messages) =>
        Conversation(messages, bos: TrainingBos) + Assistant;

    private static string Conversation(IReadOnlyList<ChatMessage> messages, bool bos)
    {
        var text = new System.Text.StringBuilder();
        if (bos) text.Append(Bos);
        text.Append(messages.LastOrDefault(m => m.Role == ChatRole.System)?.Content ?? "");
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.User) text.Append(User).Append(m.Content);
            else if (m.Role == ChatRole.Assistant) text.Append(Assistant).Append(AnswerOnly(m.Content)).Append(Eos);
        }
        return text.ToString();
    }

    private static string AnswerOnly(string content)
    {
        var end = content.LastIndexOf(ThinkClose, StringComparison.Ordinal);
        return end < 0 ? content : content[(end + ThinkClose.Length)..];
    }
}
