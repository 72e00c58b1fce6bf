using Star1.Build.Tasks.Llm;
using Star1.Data.Selection;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Llm.Calling;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 4.3 (appendix E), step 1: each selected STAR-1 question is rewritten into a harmless request
/// of a similar surface form (GPT-4o in the paper, a documented transformation by default).
/// </summary>
[TaskName("Rewrite")]
[IsDependentOn(typeof(SelectTask))]
[TaskDescription("Section 4.3: rewrite each selected question into a harmless look-alike -> benign_questions.json")]
public sealed class RewriteTask : LlmStageTask<StarOneRecord, string, BenignQuestion>
{
    public const string BenignQuestions = "benign_questions.json";

    protected override string Group => "rewrite";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => RewritePrompt.Files;
    protected override (string Stage, string File) Source => ("Select", SelectTask.StarOne);
    protected override string OutputFile => BenignQuestions;

    protected override IReadOnlyList<StarOneRecord> Read(string path) => DatasetJson.ReadStarOne(path);
    protected override int IdOf(StarOneRecord record) => record.Id;

    protected override Func<StarOneRecord, LlmItem> RequestBuilder(Func<string, string> readPrompt, GenerationSettings settings)
    {
        var prompt = RewritePrompt.Load(readPrompt);
        return record => prompt.Item(record, settings);
    }

    protected override ParseResult<string> Parse(ChatAnswer answer) => RewriteParser.Parse(answer.Content);
    protected override BenignQuestion Combine(StarOneRecord record, LlmSuccess<string> answer) => BenignQuestion.From(record, answer.Value);
}
