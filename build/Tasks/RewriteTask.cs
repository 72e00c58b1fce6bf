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
/// Paper section 4.3 (appendix E), step 1: each selected STAR-1 question is rewritten into a harmless request
/// of a similar surface form (GPT-4o in the paper, a documented transformation by default).
/// </summary>
[TaskName("Rewrite")]
[IsDependentOn(typeof(SelectTask))]
[TaskDescription("Section 4.3: rewrite each selected question into a harmless look-alike -> benign_questions.json")]
public sealed class RewriteTask : LlmStageTask
{
    public const string BenignQuestions = "benign_questions.json";

    protected override string Group => "rewrite";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => RewritePrompt.Files;
    public override IReadOnlyList<string> Reads => [$"Select/{SelectTask.StarOne}"];
    public override IReadOnlyList<string> Outputs => [BenignQuestions, ErrorsFile];

    protected override IReadOnlyList<LlmItem> Items(Inputs inputs)
    {
        var prompt = RewritePrompt.Load(inputs.Prompt);
        var settings = Generation(inputs.Param);
        return [.. DatasetJson.ReadStarOne(inputs.Upstream("Select", SelectTask.StarOne)).Select(q => prompt.Item(q, settings))];
    }

    protected override async Task WriteAsync(BuildContext context, StageContext stage, IReadOnlyList<LlmItem> items, CancellationToken ct)
    {
        var selected = DatasetJson.ReadStarOne(stage.Input("Select", SelectTask.StarOne)).ToDictionary(q => q.Id.ToString(CultureInfo.InvariantCulture));
        var answers = await CallAsync(context, stage, items, a => RewriteParser.Parse(a.Content), ct);
        var benign = answers.Select(a => BenignQuestion.From(selected[a.Id], a.Value!)).ToList();
        await File.WriteAllBytesAsync(stage.Output(BenignQuestions), DatasetJson.Write(benign), ct);
    }
}
