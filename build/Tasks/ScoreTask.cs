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
/// Paper section 2.3: each (question, reasoning, answer, related policies) is rated 0-10 on the three criteria
/// (GPT-4o in the paper, a rubric-checking stand-in by default). The result is the STAR-41K-style scored set.
/// </summary>
[TaskName("Score")]
[IsDependentOn(typeof(ReasonTask))]
[TaskDescription("Section 2.3: rate each reasoning trace on three criteria, 0-10 -> scored.json (STAR-41K schema)")]
public sealed class ScoreTask : LlmStageTask
{
    public const string Scored = "scored.json";

    protected override string Group => "score";
    protected override IReadOnlyList<string> AnswerKeys => ["model", "max_completion_tokens", "max_retries"];
    protected override string AttemptsKey => "max_retries";
    public override IReadOnlyList<string> Prompts => ScorePrompt.Files;
    public override IReadOnlyList<string> Reads => [$"Reason/{ReasonTask.Reasoned}"];
    public override IReadOnlyList<string> Outputs => [Scored, ErrorsFile];

    protected override IReadOnlyList<LlmItem> Items(Inputs inputs)
    {
        var prompt = ScorePrompt.Load(inputs.Prompt);
        var settings = Generation(inputs.Param);
        return [.. DatasetJson.ReadReasoned(inputs.Upstream("Reason", ReasonTask.Reasoned)).Select(q => prompt.Item(q, settings))];
    }

    protected override async Task WriteAsync(BuildContext context, StageContext stage, IReadOnlyList<LlmItem> items, CancellationToken ct)
    {
        var questions = DatasetJson.ReadReasoned(stage.Input("Reason", ReasonTask.Reasoned)).ToDictionary(q => q.Id.ToString(CultureInfo.InvariantCulture));
        var answers = await CallAsync(context, stage, items, a => ScoreParser.ParseSafety(a.Content), ct);
        var scored = answers.Select(a => ScoredQuestion.From(questions[a.Id], a.Value!)).ToList();
        await File.WriteAllBytesAsync(stage.Output(Scored), DatasetJson.Write(scored), ct);
        var perfect = scored.Count(s => s.Score.AllEqual(SafetyScores.Max));
        stage.Reporter.Info($"Score: {scored.Count} traces scored, {perfect} with 10 on all three criteria");
    }
}
