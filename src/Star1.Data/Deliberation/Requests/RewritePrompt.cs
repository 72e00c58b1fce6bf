using System.Globalization;
using Star1.Data.Selection;
using Star1.Llm;

namespace Star1.Data.Deliberation.Requests;

/// <summary>
/// Rewrite's request (appendix E): a STAR-1 question, rewritten into a harmless look-alike with few-shot
/// examples in the template (<see cref="Parsing.RewriteParser"/>). Placeholder: <c>{{question}}</c>.
/// </summary>
public sealed class RewritePrompt
{
    public static IReadOnlyList<string> Files { get; } = [PromptFiles.Rewrite];

    private readonly PromptTemplate _template;

    public RewritePrompt(PromptTemplate template) => _template = template.Expect("question");

    public static RewritePrompt Load(Func<string, string> read) => new(PromptTemplate.Load(PromptFiles.Rewrite, read));

    public ChatRequest Build(string question, GenerationSettings settings) =>
        _template.Request(settings, ("question", question));

    public LlmItem Item(StarOneRecord q, GenerationSettings settings) =>
        new(q.Id.ToString(CultureInfo.InvariantCulture), Build(q.Question, settings));
}
