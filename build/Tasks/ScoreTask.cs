using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Llm.Calling;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 2.3: each (question, reasoning, answer, related policies) is rated 0-10 on the three criteria
/// (GPT-4o in the paper, a rubric-checking stand-in by default). The result is the STAR-41K-style scored set.
/// </summary>
[TaskName("Score")]
[IsDependentOn(typeof(ReasonTask))]
[TaskDescription("Section 2.3: rate each reasoning trace on three criteria, 0-10 -> scored.json (STAR-41K schema)")]
public sealed class ScoreTask : LlmStageTask<ReasonedQuestion, SafetyScores, ScoredQuestion>
{
    public const string Scored = "scored.json";

    protected override string Group => "score";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => ScorePrompt.Files;
    protected override (string Stage, string File) Source => ("Reason", ReasonTask.Reasoned);
    protected override string OutputFile => Scored;

    protected override IReadOnlyList<ReasonedQuestion> Read(string path) => DatasetJson.ReadReasoned(path);
    protected override int IdOf(ReasonedQuestion record) => record.Id;

    protected override Func<ReasonedQuestion, LlmItem> RequestBuilder(Func<string, string> readPrompt, GenerationSettings settings)
    {
        var prompt = ScorePrompt.Load(readPrompt);
        return record => prompt.Item(record, settings);
    }

    protected override ParseResult<SafetyScores> Parse(ChatAnswer answer) => ScoreParser.ParseSafety(answer.Content);
    protected override ScoredQuestion Combine(ReasonedQuestion record, LlmSuccess<SafetyScores> answer) => ScoredQuestion.From(record, answer.Value);

    protected override string Summary(IReadOnlyList<ScoredQuestion> written) =>
        $"{written.Count} traces scored, {written.Count(s => s.Score.AllEqual(SafetyScores.Max))} with {SafetyScores.Max} on all three criteria";
}
