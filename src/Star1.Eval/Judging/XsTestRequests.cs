using Star1.Data.Deliberation;
using Star1.Llm;

namespace Star1.Eval.Judging;

/// <summary>
/// The XSTest judge's request (PAPER.md section 6: GPT-4o labels each answer to a safe prompt): the template
/// <see cref="JudgePrompts.XsTest"/>, rendered strictly, as the one user message.
/// </summary>
public sealed class XsTestRequests
{
    public static IReadOnlyList<string> Files { get; } = [JudgePrompts.XsTest];

    private readonly PromptTemplate _template;

    public XsTestRequests(PromptTemplate template) => _template = template.Expect("question", "answer");

    public static XsTestRequests Load(Func<string, string> read) => new(PromptTemplate.Load(JudgePrompts.XsTest, read));

    /// <summary>
    /// The judge sees the answer WITHOUT the think block (<see cref="ThinkBlock.Strip"/>). The over-refusal
    /// question is whether the reply the user gets refuses: a model that deliberates about safety in its
    /// reasoning ("this could be harmful... but it is a question about Linux processes") and then answers fully
    /// complies, and showing the judge that deliberation would make it look like a partial refusal.
    /// </summary>
    public ChatRequest Build(string question, string output, GenerationSettings settings) =>
        _template.Request(settings, ("question", question), ("answer", ThinkBlock.Strip(output)));

    public LlmItem Item(string id, string question, string output, GenerationSettings settings) => new(id, Build(question, output, settings));

    /// <summary>Reads the judge's answer (its content; a reasoning judge's thoughts are not the label).</summary>
    public static ParseResult<RefusalLabel> Parse(ChatAnswer answer) => XsTestLabel.Parse(answer.Content);
}
