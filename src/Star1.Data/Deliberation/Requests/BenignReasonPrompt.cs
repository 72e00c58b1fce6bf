using System.Globalization;
using Star1.Llm;

namespace Star1.Data.Deliberation.Requests;

/// <summary>
/// BenignReason's request (appendix E): the benign question alone, no policies, so the trace shows plain
/// helpfulness. Placeholder: <c>{{question}}</c>. Same R1 settings as Reason.
/// </summary>
public sealed class BenignReasonPrompt
{
    public static IReadOnlyList<string> Files { get; } = [PromptFiles.BenignReason];

    private readonly PromptTemplate _template;

    public BenignReasonPrompt(PromptTemplate template) => _template = template.Expect("question");

    public static BenignReasonPrompt Load(Func<string, string> read) => new(PromptTemplate.Load(PromptFiles.BenignReason, read));

    public ChatRequest Build(string question, GenerationSettings settings) =>
        _template.Request(settings, ("question", question));

    public LlmItem Item(BenignQuestion q, GenerationSettings settings) =>
        new(q.Id.ToString(CultureInfo.InvariantCulture), Build(q.Question, settings));
}
