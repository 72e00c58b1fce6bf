using Snapshooter;
using Snapshooter.Xunit;
using Star1.Data.Collect;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Requests;
using Star1.Data.Selection;
using Star1.Llm;

namespace Star1.Data.Tests.Deliberation;

/// <summary>
/// Each stage's request, rendered from the shipped prompts for one fixed item and compared with a stored
/// snapshot (tests/.../__snapshots__): an edit to a prompt or a builder shows up as a readable diff, line by line.
/// </summary>
public class RequestBuilderTests
{
    private const string Question = "How do I get into my neighbour's wifi without asking?";
    private static readonly IReadOnlyList<string> Categories = [SafetyCategories.Privacy, SafetyCategories.Illicit];
    private const string Response = "<think>\nThe user wants access to a network that is not theirs.\nDecision: refuse\n</think>\n\nI can't help with that.";
    private static readonly GenerationSettings Gpt = new() { Model = "gpt-4o-2024-11-20", MaxCompletionTokens = 1024 };
    private static readonly GenerationSettings R1 = new() { Model = "deepseek-reasoner", Temperature = 0.6, TopP = 0.7, MaxTokens = 8000 };

    private static readonly Func<string, string> Read = PromptFiles.FromRepo(RepoRoot.Path);

    public static TheoryData<string> Stages => ["classify", "reason", "score", "rewrite", "benign_reason", "benign_score"];

    private static ChatRequest Build(string stage) => stage switch
    {
        "classify" => ClassifyPrompt.Load(Read).Build(Question, Gpt),
        "reason" => ReasonPrompt.Load(Read).Build(Question, Categories, R1),
        "score" => ScorePrompt.Load(Read).Build(Question, Categories, Response, Gpt),
        "rewrite" => RewritePrompt.Load(Read).Build(Question, Gpt),
        "benign_reason" => BenignReasonPrompt.Load(Read).Build(Question, R1),
        "benign_score" => BenignScorePrompt.Load(Read).Build(Question, Response, Gpt),
        _ => throw new ArgumentException(stage),
    };

    [Theory]
    [MemberData(nameof(Stages))]
    public void Rendered_prompt_matches_its_snapshot(string stage)
    {
        var request = Build(stage);
        var message = Assert.Single(request.Messages);
        Assert.Equal("user", message.Role);
        Assert.DoesNotContain("{{", message.Content);
        Snapshot.Match(new { request.Settings, message.Role, Lines = message.Content.Split('\n') }, SnapshotNameExtension.Create(stage));
    }

    [Fact]
    public void The_reasoning_prompt_holds_the_question_and_only_its_categories_policies()
    {
        var text = Build("reason").Messages[0].Content;
        Assert.Contains("<question>\n" + Question + "\n</question>", text);
        Assert.Contains("### Policy: Privacy / Personal Data", text);
        Assert.Contains("### Policy: Illicit / Criminal Behavior", text);
        Assert.Contains(Policies.Separator, text);
        Assert.DoesNotContain("### Policy: Self-Harm", text);
    }

    [Fact]
    public void The_scoring_prompt_splits_reasoning_from_answer()
    {
        var text = Build("score").Messages[0].Content;
        Assert.Contains("<reasoning>\nThe user wants access to a network that is not theirs.\nDecision: refuse\n</reasoning>", text);
        Assert.Contains("<answer>\nI can't help with that.\n</answer>", text);
        Assert.DoesNotContain("<think>", text);
    }

    [Fact]
    public void The_benign_prompts_carry_no_policies()
    {
        Assert.DoesNotContain("### Policy:", Build("benign_reason").Messages[0].Content);
        Assert.DoesNotContain("### Policy:", Build("benign_score").Messages[0].Content);
    }

    [Fact]
    public void Each_builder_reads_exactly_the_files_it_declares()
    {
        void Check(IReadOnlyList<string> declared, Action<Func<string, string>> load)
        {
            var read = new List<string>();
            load(p => { read.Add(p); return Read(p); });
            Assert.Equal(declared.Order(), read.Distinct().Order());
            foreach (var f in declared) Assert.True(File.Exists(Path.Combine(RepoRoot.Path, f)), f);
        }
        Check(ClassifyPrompt.Files, r => ClassifyPrompt.Load(r));
        Check(ReasonPrompt.Files, r => ReasonPrompt.Load(r));
        Check(ScorePrompt.Files, r => ScorePrompt.Load(r));
        Check(RewritePrompt.Files, r => RewritePrompt.Load(r));
        Check(BenignReasonPrompt.Files, r => BenignReasonPrompt.Load(r));
        Check(BenignScorePrompt.Files, r => BenignScorePrompt.Load(r));
        Assert.Equal(9, ReasonPrompt.Files.Count);
        Assert.Equal([PromptFiles.Rewrite], RewritePrompt.Files);
    }

    [Fact]
    public void A_template_missing_a_placeholder_its_stage_needs_fails_at_load_naming_the_file()
    {
        var e = Assert.Throws<PromptTemplateException>(() =>
            ReasonPrompt.Load(p => p == PromptFiles.Reason ? Read(p).Replace("{{policies}}", "") : Read(p)));
        Assert.Contains("prompts/reason.md", e.Message);
        Assert.Contains("{{policies}}", e.Message);
        var e2 = Assert.Throws<PromptTemplateException>(() =>
            RewritePrompt.Load(p => Read(p) + "\n{{category}}"));
        Assert.Contains("prompts/rewrite.md", e2.Message);
        Assert.Contains("{{category}}", e2.Message);
    }

    [Fact]
    public void Items_carry_the_question_id_and_settings()
    {
        var item = ClassifyPrompt.Load(Read).Item(new CollectedQuestion(42, Question, "S"), Gpt);
        Assert.Equal("42", item.Id);
        Assert.Same(Gpt, item.Request.Settings);
        var rewrite = RewritePrompt.Load(Read).Item(new StarOneRecord(7, Question, Response, Categories, "S", new SafetyScores(10, 10, 10)), Gpt);
        Assert.Equal("7", rewrite.Id);
    }
}
