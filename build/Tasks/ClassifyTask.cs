using Star1.Build.Tasks.Llm;
using Star1.Data.Collect;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Llm.Calling;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 2.2: every collected question gets its safety categories (GPT-4o in the paper, a MiniLM
/// stand-in by default), answered as a JSON list of names and re-asked when it is not one.
/// </summary>
[TaskName("Classify")]
[IsDependentOn(typeof(CollectTask))]
[TaskDescription("Section 2.2: assign safety categories to each question -> classified.json")]
public sealed class ClassifyTask : LlmStageTask<CollectedQuestion, IReadOnlyList<string>, ClassifiedQuestion>
{
    public const string Classified = "classified.json";

    protected override string Group => "classify";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => ClassifyPrompt.Files;
    protected override (string Stage, string File) Source => ("Collect", CollectTask.Questions);
    protected override string OutputFile => Classified;

    protected override IReadOnlyList<CollectedQuestion> Read(string path) => DatasetJson.ReadCollected(path);
    protected override int IdOf(CollectedQuestion record) => record.Id;

    protected override Func<CollectedQuestion, LlmItem> RequestBuilder(Func<string, string> readPrompt, GenerationSettings settings)
    {
        var prompt = ClassifyPrompt.Load(readPrompt);
        return record => prompt.Item(record, settings);
    }

    protected override ParseResult<IReadOnlyList<string>> Parse(ChatAnswer answer) => CategoryParser.Parse(answer.Content);
    protected override ClassifiedQuestion Combine(CollectedQuestion record, LlmSuccess<IReadOnlyList<string>> answer) => ClassifiedQuestion.From(record, answer.Value);

    protected override string Summary(IReadOnlyList<ClassifiedQuestion> written) =>
        $"{written.Count} questions classified, {written.Count(c => SafetyCategories.IsOtherOnly(c.Category))} as Other";
}
