using System.Globalization;
using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 2.2: deliberative reasoning. Each question with the policies of its categories goes to the
/// reasoner (DeepSeek-R1 in the paper, a policy-composing stand-in by default); an answer counts only when it
/// finished with "stop", and is stored as <c>&lt;think&gt;\n..\n&lt;/think&gt;\n\n..</c>.
/// </summary>
[TaskName("Reason")]
[IsDependentOn(typeof(ClassifyTask))]
[TaskDescription("Section 2.2: policy-grounded reasoning for each question -> reasoned.json")]
public sealed class ReasonTask : LlmStageTask
{
    public const string Reasoned = "reasoned.json";

    protected override string Group => "reason";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "temperature", "top_p", "max_tokens", "max_tries"];
    protected override string AttemptsKey => "max_tries";
    protected override string? TimeoutKey => "reason.timeout_seconds";
    public override IReadOnlyList<string> Prompts => ReasonPrompt.Files;
    public override IReadOnlyList<string> Reads => [$"Classify/{ClassifyTask.Classified}"];
    public override IReadOnlyList<string> Outputs => [Reasoned, ErrorsFile];

    protected override IReadOnlyList<LlmItem> Items(Inputs inputs)
    {
        var prompt = ReasonPrompt.Load(inputs.Prompt);
        var settings = Generation(inputs.Param);
        return [.. DatasetJson.ReadClassified(inputs.Upstream("Classify", ClassifyTask.Classified)).Select(q => prompt.Item(q, settings))];
    }

    protected override async Task WriteAsync(BuildContext context, StageContext stage, IReadOnlyList<LlmItem> items, CancellationToken ct)
    {
        var questions = DatasetJson.ReadClassified(stage.Input("Classify", ClassifyTask.Classified)).ToDictionary(q => q.Id.ToString(CultureInfo.InvariantCulture));
        var answers = await CallAsync(context, stage, items, ResponseText.Parse, ct);
        var reasoned = answers.Select(a => ReasonedQuestion.From(questions[a.Id], a.Answer)).ToList();
        await File.WriteAllBytesAsync(stage.Output(Reasoned), DatasetJson.Write(reasoned), ct);
    }
}
