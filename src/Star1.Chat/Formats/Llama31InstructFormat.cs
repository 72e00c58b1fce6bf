namespace Star1.Chat.Formats;

/// <summary>
/// Llama-3.1-Instruct: <c>&lt;|begin_of_text|&gt;</c>, then a system turn that always opens with the template's
/// date block (<c>Cutting Knowledge Date: December 2023\nToday Date: {date}\n\n</c>, then the system message if
/// the conversation starts with one), then <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content}&lt;|eot_id|&gt;</c>
/// per message, contents trimmed as the template trims them; generation prompt
/// <c>&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n</c>. The turn ends at <c>&lt;|eot_id|&gt;</c>,
/// the EOS of the instruct tokenizer. <see cref="TodayDate"/> is the template's default date string: a fixed
/// date keeps prompts (and every cache keyed by them) the same from one day to the next.
/// </summary>
public sealed class Llama31InstructFormat(string todayDate = Llama31InstructFormat.DefaultDate) : ChatFormat
{
    public const string BeginOfText = "<|begin_of_text|>";
    public const string StartHeader = "<|start_header_id|>";
    public const string EndHeader = "<|end_header_id|>";
    public const string EotId = "<|eot_id|>";
    public const string EndOfText = "<|end_of_text|>";
    public const string DefaultDate = "26 Jul 2024";

    public string TodayDate { get; } = todayDate;
    public override string Name => "llama-3.1-instruct";
    public override IReadOnlyList<string> SpecialTokens { get; } = [BeginOfText, StartHeader, EndHeader, EotId];
    public override string EndOfTurn => EotId;
    public override IReadOnlyList<string> ExtraStopTokens { get; } = [EndOfText, "<|eom_id|>"];
    public override bool Reasons => false;

    public override string GenerationPrompt(IReadOnlyList<ChatMessage> messages) => TrainingPrompt(messages);

    public override string TrainingPrompt(IReadOnlyList<ChatMessage> messages)
    {
        var hasSystem = messages.Count > 0 && messages[0].Role == ChatRole.System;
        var system = hasSystem ? messages[0].Content.Trim() : "";
        var text = new System.Text.StringBuilder(BeginOfText);
        Header(text, "system").Append("Cutting Knowledge Date: December 2023\nToday Date: ").Append(TodayDate).Append("\n\n")
            .Append(system).Append(EotId);
        foreach (var m in messages.Skip(hasSystem ? 1 : 0))
            Header(text, m.Role.ToString().ToLowerInvariant()).Append(m.Content.Trim()).Append(EotId);
        return Header(text, "assistant").ToString();
    }

    /// <summary>The template trims every message, the assistant's included.</summary>
    public override string TrainingReply(string reply) => reply.Trim() + EotId;

    private static System.Text.StringBuilder Header(System.Text.StringBuilder text, string role) =>
        text.Append(StartHeader).Append(role).Append(EndHeader).Append("\n\n");
}
