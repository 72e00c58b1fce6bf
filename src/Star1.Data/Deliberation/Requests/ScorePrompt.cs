using System.Globalization;
using Star1.Llm;

namespace Star1.Data.Deliberation.Requests;

/// <summary>
/// Score's request (paper section 2.3): question, related policies, the reasoning and the final answer
/// (split out of the stored response), rated on three 0-10 criteria (<see cref="Parsing.ScoreParser.ParseSafety"/>).
/// Placeholders: <c>{{question}}</c>, <c>{{policies}}</c>, <c>{{reasoning}}</c>, <c>{{answer}}</c>.
/// </summary>
public sealed class ScorePrompt
{
    public static IReadOnlyList<string> Files { get; } = [PromptFiles.Score, .. PromptFiles.Policies];

    private readonly PromptTemplate _template;
    private readonly Policies _policies;

    public ScorePrompt(PromptTemplate template, Policies policies)
    {
        _template = template.Expect("question", "policies", "reasoning", "answer");
        _policies = policies;
    }

    public static ScorePrompt Load(Func<string, string> read) =>
        new(PromptTemplate.Load(PromptFiles.Score, read), Policies.Load(read));

    /// <param name="response">The stored response; a response without a think block is scored with an empty reasoning.</param>
    public ChatRequest Build(string question, IReadOnlyList<string> categories, string response, GenerationSettings settings)
    {
        var (reasoning, answer) = ChatAnswer.SplitInlineThinking(response);
        return _template.Request(settings,
            ("question", question), ("policies", _policies.RenderFor(categories)), ("reasoning", reasoning ?? ""), ("answer", answer));
    }

    public LlmItem Item(ReasonedQuestion q, GenerationSettings settings) =>
        new(q.Id.ToString(CultureInfo.InvariantCulture), Build(q.Question, q.Category, q.Response, settings));
}
