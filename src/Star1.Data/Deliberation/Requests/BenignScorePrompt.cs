using System.Globalization;
using Star1.Llm;

namespace Star1.Data.Deliberation.Requests;

/// <summary>
/// BenignScore's request (appendix E): benign question, reasoning and answer, rated 1-5 on three criteria
/// (<see cref="Parsing.ScoreParser.ParseBenign"/>). Placeholders: <c>{{question}}</c>, <c>{{reasoning}}</c>, <c>{{answer}}</c>.
/// </summary>
public sealed class BenignScorePrompt
{
    public static IReadOnlyList<string> Files { get; } = [PromptFiles.BenignScore];

    private readonly PromptTemplate _template;

    public BenignScorePrompt(PromptTemplate template) => _template = template.Expect("question", "reasoning", "answer");

    public static BenignScorePrompt Load(Func<string, string> read) => new(PromptTemplate.Load(PromptFiles.BenignScore, read));

    public ChatRequest Build(string question, string response, GenerationSettings settings)
    {
        var (reasoning, answer) = ChatAnswer.SplitInlineThinking(response);
        return _template.Request(settings, ("question", question), ("reasoning", reasoning ?? ""), ("answer", answer));
    }

    public LlmItem Item(BenignReasoned q, GenerationSettings settings) =>
        new(q.Id.ToString(CultureInfo.InvariantCulture), Build(q.Question, q.Response, settings));
}
