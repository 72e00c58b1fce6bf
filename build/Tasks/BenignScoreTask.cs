using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Llm.Calling;

namespace Star1.Build.Tasks;

/// <summary>Paper section 4.3, step 3: each benign trace is rated 1-5 on the three benign criteria.</summary>
[TaskName("BenignScore")]
[IsDependentOn(typeof(BenignReasonTask))]
[TaskDescription("Section 4.3: rate the benign traces 1-5 on three criteria -> scored.json")]
public sealed class BenignScoreTask : LlmStageTask<BenignReasoned, BenignScores, BenignScored>
{
    public const string Scored = "scored.json";

    protected override string Group => "benign_score";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => BenignScorePrompt.Files;
    protected override (string Stage, string File) Source => ("BenignReason", BenignReasonTask.Reasoned);
    protected override string OutputFile => Scored;

    protected override IReadOnlyList<BenignReasoned> Read(string path) => DatasetJson.ReadBenignReasoned(path);
    protected override int IdOf(BenignReasoned record) => record.Id;

    protected override Func<BenignReasoned, LlmItem> RequestBuilder(Func<string, string> readPrompt, GenerationSettings settings)
    {
        var prompt = BenignScorePrompt.Load(readPrompt);
        return record => prompt.Item(record, settings);
    }

    protected override ParseResult<BenignScores> Parse(ChatAnswer answer) => ScoreParser.ParseBenign(answer.Content);
    protected override BenignScored Combine(BenignReasoned record, LlmSuccess<BenignScores> answer) => BenignScored.From(record, answer.Value);
}
