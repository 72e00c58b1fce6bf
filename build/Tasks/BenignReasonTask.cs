using System.Globalization;
using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 4.3, step 2: the reasoner answers each benign question alone (no policies), with the same
/// settings and acceptance rule as Reason.
/// </summary>
[TaskName("BenignReason")]
[IsDependentOn(typeof(RewriteTask))]
[TaskDescription("Section 4.3: reasoning on the benign questions, no policies -> reasoned.json")]
public sealed class BenignReasonTask : LlmStageTask
{
    public const string Reasoned = "reasoned.json";

    protected override string Group => "benign_reason";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "temperature", "top_p", "max_tokens", "max_tries"];
    protected override string AttemptsKey => "max_tries";
    protected override string? TimeoutKey => "benign_reason.timeout_seconds";
    public override IReadOnlyList<string> Prompts => BenignReasonPrompt.Files;
    public override IReadOnlyList<string> Reads => [$"Rewrite/{RewriteTask.BenignQuestions}"];
    public override IReadOnlyList<string> Outputs => [Reasoned, ErrorsFile];

    protected override IReadOnlyList<LlmItem> Items(Inputs inputs)
    {
        var prompt = BenignReasonPrompt.Load(inputs.Prompt);
        var settings = Generation(inputs.Param);
        return [.. DatasetJson.ReadBenignQuestions(inputs.Upstream("Rewrite", RewriteTask.BenignQuestions)).Select(q => prompt.Item(q, settings))];
    }

    protected override async Task WriteAsync(BuildContext context, StageContext stage, IReadOnlyList<LlmItem> items, CancellationToken ct)
    {
        var questions = DatasetJson.ReadBenignQuestions(stage.Input("Rewrite", RewriteTask.BenignQuestions)).ToDictionary(q => q.Id.ToString(CultureInfo.InvariantCulture));
        var answers = await CallAsync(context, stage, items, ResponseText.Parse, ct);
        var reasoned = answers.Select(a => BenignReasoned.From(questions[a.Id], a.Answer)).ToList();
        await File.WriteAllBytesAsync(stage.Output(Reasoned), DatasetJson.Write(reasoned), ct);
    }
}
