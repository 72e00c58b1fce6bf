using System.Globalization;
using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 2.2: every collected question gets its safety categories (GPT-4o in the paper, a MiniLM
/// stand-in by default), answered as a JSON list of names and re-asked when it is not one.
/// </summary>
[TaskName("Classify")]
[IsDependentOn(typeof(CollectTask))]
[TaskDescription("Section 2.2: assign safety categories to each question -> classified.json")]
public sealed class ClassifyTask : LlmStageTask
{
    public const string Classified = "classified.json";

    protected override string Group => "classify";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => ClassifyPrompt.Files;
    public override IReadOnlyList<string> Reads => [$"Collect/{CollectTask.Questions}"];
    public override IReadOnlyList<string> Outputs => [Classified, ErrorsFile];

    protected override IReadOnlyList<LlmItem> Items(Inputs inputs)
    {
        var prompt = ClassifyPrompt.Load(inputs.Prompt);
        var settings = Generation(inputs.Param);
        return [.. DatasetJson.ReadCollected(inputs.Upstream("Collect", CollectTask.Questions)).Select(q => prompt.Item(q, settings))];
    }

    protected override async Task WriteAsync(BuildContext context, StageContext stage, IReadOnlyList<LlmItem> items, CancellationToken ct)
    {
        var questions = DatasetJson.ReadCollected(stage.Input("Collect", CollectTask.Questions)).ToDictionary(q => q.Id.ToString(CultureInfo.InvariantCulture));
        var answers = await CallAsync(context, stage, items, a => CategoryParser.Parse(a.Content), ct);
        var classified = answers.Select(a => ClassifiedQuestion.From(questions[a.Id], a.Value!)).ToList();
        await File.WriteAllBytesAsync(stage.Output(Classified), DatasetJson.Write(classified), ct);
        var other = classified.Count(c => SafetyCategories.IsOtherOnly(c.Category));
        stage.Reporter.Info($"Classify: {classified.Count} questions classified, {other} as Other");
    }
}
