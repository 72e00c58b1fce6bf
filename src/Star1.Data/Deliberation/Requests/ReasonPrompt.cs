using System.Globalization;
using Star1.Llm;

namespace Star1.Data.Deliberation.Requests;

/// <summary>
/// Reason's request (paper section 2.2): the question and the policies of its categories joined by
/// <see cref="Policies.Separator"/> ("Other" gets <see cref="Policies.NoPolicyText"/>). Placeholders:
/// <c>{{question}}</c>, <c>{{policies}}</c>. The answer is stored as <see cref="ChatAnswer.StoredText"/>.
/// All eight policy files are declared: which ones a question needs is only known from Classify's output.
/// </summary>
public sealed class ReasonPrompt
{
    public static IReadOnlyList<string> Files { get; } = [PromptFiles.Reason, .. PromptFiles.Policies];

    private readonly PromptTemplate _template;
    private readonly Policies _policies;

    public ReasonPrompt(PromptTemplate template, Policies policies)
    {
        _template = template.Expect("question", "policies");
        _policies = policies;
    }

    public static ReasonPrompt Load(Func<string, string> read) =>
        new(PromptTemplate.Load(PromptFiles.Reason, read), Policies.Load(read));

    public ChatRequest Build(string question, IReadOnlyList<string> categories, GenerationSettings settings) =>
        _template.Request(settings, ("question", question), ("policies", _policies.RenderFor(categories)));

    public LlmItem Item(ClassifiedQuestion q, GenerationSettings settings) =>
        new(q.Id.ToString(CultureInfo.InvariantCulture), Build(q.Question, q.Category, settings));
}
