using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Llm.Calling;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 4.3, step 2: the reasoner answers each benign question alone (no policies), with the same
/// settings and acceptance rule as Reason.
/// </summary>
[TaskName("BenignReason")]
[IsDependentOn(typeof(RewriteTask))]
[TaskDescription("Section 4.3: reasoning on the benign questions, no policies -> reasoned.json")]
public sealed class BenignReasonTask : LlmStageTask<BenignQuestion, string, BenignReasoned>
{
    public const string Reasoned = "reasoned.json";

    protected override string Group => "benign_reason";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "temperature", "top_p", "max_tokens", "max_tries"];
    protected override string AttemptsKey => "max_tries";
    protected override string? TimeoutKey => "benign_reason.timeout_seconds";
    public override IReadOnlyList<string> Prompts => BenignReasonPrompt.Files;
    protected override (string Stage, string File) Source => ("Rewrite", RewriteTask.BenignQuestions);
    protected override string OutputFile => Reasoned;

    protected override IReadOnlyList<BenignQuestion> Read(string path) => DatasetJson.ReadBenignQuestions(path);
    protected override int IdOf(BenignQuestion record) => record.Id;

    protected override Func<BenignQuestion, LlmItem> RequestBuilder(Func<string, string> readPrompt, GenerationSettings settings)
    {
        var prompt = BenignReasonPrompt.Load(readPrompt);
        return record => prompt.Item(record, settings);
    }

    protected override ParseResult<string> Parse(ChatAnswer answer) => ResponseText.Parse(answer);
    protected override BenignReasoned Combine(BenignQuestion record, LlmSuccess<string> answer) => BenignReasoned.From(record, answer.Answer);
}
