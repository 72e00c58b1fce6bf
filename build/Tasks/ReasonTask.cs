using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Llm.Calling;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 2.2: deliberative reasoning. Each question with the policies of its categories goes to the
/// reasoner (DeepSeek-R1 in the paper, a policy-composing stand-in by default); an answer counts only when it
/// finished with "stop", and is stored as <c>&lt;think&gt;\n..\n&lt;/think&gt;\n\n..</c>.
/// </summary>
[TaskName("Reason")]
[IsDependentOn(typeof(ClassifyTask))]
[TaskDescription("Section 2.2: policy-grounded reasoning for each question -> reasoned.json")]
public sealed class ReasonTask : LlmStageTask<ClassifiedQuestion, string, ReasonedQuestion>
{
    public const string Reasoned = "reasoned.json";

    protected override string Group => "reason";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "temperature", "top_p", "max_tokens", "max_tries"];
    protected override string AttemptsKey => "max_tries";
    protected override string? TimeoutKey => "reason.timeout_seconds";
    public override IReadOnlyList<string> Prompts => ReasonPrompt.Files;
    protected override (string Stage, string File) Source => ("Classify", ClassifyTask.Classified);
    protected override string OutputFile => Reasoned;

    protected override IReadOnlyList<ClassifiedQuestion> Read(string path) => DatasetJson.ReadClassified(path);
    protected override int IdOf(ClassifiedQuestion record) => record.Id;

    protected override Func<ClassifiedQuestion, LlmItem> RequestBuilder(Func<string, string> readPrompt, GenerationSettings settings)
    {
        var prompt = ReasonPrompt.Load(readPrompt);
        return record => prompt.Item(record, settings);
    }

    protected override ParseResult<string> Parse(ChatAnswer answer) => ResponseText.Parse(answer);
    protected override ReasonedQuestion Combine(ClassifiedQuestion record, LlmSuccess<string> answer) => ReasonedQuestion.From(record, answer.Answer);
}
