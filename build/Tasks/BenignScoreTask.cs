using System.Globalization;
using Star1.Build.Tasks.Llm;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Host;
using Star1.Llm;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>Paper section 4.3, step 3: each benign trace is rated 1-5 on the three benign criteria.</summary>
[TaskName("BenignScore")]
[IsDependentOn(typeof(BenignReasonTask))]
[TaskDescription("Section 4.3: rate the benign traces 1-5 on three criteria -> scored.json")]
public sealed class BenignScoreTask : LlmStageTask
{
    public const string Scored = "scored.json";

    protected override string Group => "benign_score";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => BenignScorePrompt.Files;
    public override IReadOnlyList<string> Reads => [$"BenignReason/{BenignReasonTask.Reasoned}"];
    public override IReadOnlyList<string> Outputs => [Scored, ErrorsFile];

    protected override IReadOnlyList<LlmItem> Items(Inputs inputs)
    {
        var prompt = BenignScorePrompt.Load(inputs.Prompt);
        var settings = Generation(inputs.Param);
        return [.. DatasetJson.ReadBenignReasoned(inputs.Upstream("BenignReason", BenignReasonTask.Reasoned)).Select(q => prompt.Item(q, settings))];
    }

    protected override async Task WriteAsync(BuildContext context, StageContext stage, IReadOnlyList<LlmItem> items, CancellationToken ct)
    {
        var questions = DatasetJson.ReadBenignReasoned(stage.Input("BenignReason", BenignReasonTask.Reasoned)).ToDictionary(q => q.Id.ToString(CultureInfo.InvariantCulture));
        var answers = await CallAsync(context, stage, items, a => ScoreParser.ParseBenign(a.Content), ct);
        var scored = answers.Select(a => BenignScored.From(questions[a.Id], a.Value!)).ToList();
        await File.WriteAllBytesAsync(stage.Output(Scored), DatasetJson.Write(scored), ct);
    }
}
