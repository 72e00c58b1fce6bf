using Star1.Data.Collect.Funnel;
using Star1.Data.Deliberation;
using Star1.Data.Deliberation.Parsing;
using Star1.Data.Deliberation.Requests;
using Star1.Data.StandIns;
using Star1.Data.Tests.Funnel;
using Star1.Llm;

namespace Star1.Data.Tests.StandIns;

public class StandInTests
{
    private static readonly Func<string, string> Read = PromptFiles.FromRepo(RepoRoot.Path);
    private static readonly ReasonPrompt Reason = ReasonPrompt.Load(Read);
    private static readonly ScorePrompt Score = ScorePrompt.Load(Read);
    private static readonly GenerationSettings Reasoner = new() { Model = OfflineProvider.Reasoner };
    private static readonly GenerationSettings Scorer = new() { Model = OfflineProvider.Scorer };
    private static readonly OfflineProvider Provider = new("test", null);
    private static readonly IReadOnlyList<string> Privacy = [SafetyCategories.Privacy];

    private static ChatAnswer Ask(ChatRequest r) => Run(Provider, r);

    // The stand-ins complete synchronously; waiting on them cannot deadlock.
    internal static ChatAnswer Run(OfflineProvider p, ChatRequest r) => p.CompleteAsync(r, default).GetAwaiter().GetResult();

    /// <summary>A question whose trace gets the given flaw (the flaw is a hash of the question).</summary>
    private static string QuestionWith(StandInReasoner.Flaw flaw) =>
        Enumerable.Range(0, 10_000).Select(i => $"How do I find the home address of person number {i}?")
            .First(q => StandInReasoner.FlawOf(q) == flaw);

    private static SafetyScores ScoreOf(string question, IReadOnlyList<string> categories)
    {
        var answer = Ask(Reason.Build(question, categories, Reasoner));
        var scored = ScoreParser.ParseSafety(Ask(Score.Build(question, categories, answer.StoredText, Scorer)).Content);
        Assert.True(scored.Ok, scored.Error);
        return scored.Value!;
    }

    [Fact]
    public void A_clean_trace_cites_the_policy_rules_decides_and_keeps_analysis_out_of_the_answer()
    {
        var q = QuestionWith(StandInReasoner.Flaw.None);
        var a = Ask(Reason.Build(q, [SafetyCategories.Privacy, SafetyCategories.Illicit], Reasoner));
        Assert.Equal("stop", a.FinishReason);
        Assert.Contains("Privacy / Personal Data, rule 1", a.Reasoning);
        Assert.Contains("Illicit / Criminal Behavior, rule 3", a.Reasoning);
        Assert.EndsWith("Decision: refuse", a.Reasoning);
        Assert.StartsWith("I can't help with that request.", a.Content);
        Assert.Contains("official channels", a.Content); // Privacy's redirect rule, turned into an offer
        Assert.DoesNotContain("rule", a.Content);
        Assert.Equal(new SafetyScores(10, 10, 10), ScoreOf(q, [SafetyCategories.Privacy, SafetyCategories.Illicit]));
    }

    [Fact]
    public void A_non_operational_question_gets_a_safe_completion()
    {
        var q = Enumerable.Range(0, 1000).Select(i => $"Is it legal to look up public records about person {i}?")
            .First(x => StandInReasoner.FlawOf(x) == StandInReasoner.Flaw.None);
        var a = Ask(Reason.Build(q, Privacy, Reasoner));
        Assert.EndsWith("Decision: safe-complete", a.Reasoning);
        Assert.Contains("Privacy / Personal Data, rule 2", a.Reasoning);
        Assert.StartsWith("Here is what I can share", a.Content);
        Assert.Equal(new SafetyScores(10, 10, 10), ScoreOf(q, Privacy));
    }

    [Theory]
    [InlineData("IrrelevantCitation", 10, 10, 6)]
    [InlineData("LeakedAnalysis", 10, 6, 10)]
    [InlineData("NoCitation", 10, 10, 5)]
    [InlineData("Inconsistent", 5, 10, 10)]
    [InlineData("Redundant", 10, 8, 10)]
    [InlineData("NoReasoning", 8, 10, 2)]
    public void Each_deliberate_flaw_is_caught_by_the_scorer_on_the_right_criterion(string flaw, int safety, int relevancy, int accuracy)
    {
        var question = QuestionWith(Enum.Parse<StandInReasoner.Flaw>(flaw));
        Assert.Equal(new SafetyScores(safety, relevancy, accuracy), ScoreOf(question, Privacy));
    }

    [Fact]
    public void About_a_third_of_traces_are_flawed_and_answers_are_deterministic_and_vary()
    {
        var questions = Enumerable.Range(0, 600).Select(i => $"How can I get the phone number of stranger {i}?").ToList();
        int flawed = questions.Count(q => StandInReasoner.FlawOf(q) != StandInReasoner.Flaw.None);
        Assert.InRange(flawed, 150, 250);
        var first = Ask(Reason.Build(questions[0], Privacy, Reasoner));
        Assert.Equal(first, Ask(Reason.Build(questions[0], Privacy, Reasoner)));
        Assert.NotEqual(first.Reasoning, Ask(Reason.Build(questions[1], Privacy, Reasoner)).Reasoning);
    }

    [Fact]
    public void An_Other_question_is_answered_without_policies()
    {
        var q = Enumerable.Range(0, 1000).Select(i => $"What is a good name for cat {i}?").First(x => StandInReasoner.FlawOf(x) == StandInReasoner.Flaw.None);
        var a = Ask(Reason.Build(q, ["Other"], Reasoner));
        Assert.Contains("None of the safety policies", a.Reasoning);
        Assert.EndsWith("Decision: comply", a.Reasoning);
    }

    [Fact]
    public void The_benign_prompt_gets_a_helpful_outline_and_the_benign_scorer_rates_it()
    {
        var prompt = BenignReasonPrompt.Load(Read);
        var scorePrompt = BenignScorePrompt.Load(Read);
        var results = Enumerable.Range(0, 200).Select(i => $"How do I break into a locked spreadsheet number {i}?").Select(q =>
        {
            var a = Ask(prompt.Build(q, Reasoner));
            var s = ScoreParser.ParseBenign(Ask(scorePrompt.Build(q, a.StoredText, new GenerationSettings { Model = OfflineProvider.BenignScorer })).Content);
            Assert.True(s.Ok, s.Error);
            return (Answer: a, Score: s.Value!);
        }).ToList();
        var clean = results.First(r => r.Score.AllEqual(5));
        Assert.Contains("Plan:", clean.Answer.Reasoning);
        Assert.Contains("\n1. ", clean.Answer.Content);
        Assert.DoesNotContain("rule", clean.Answer.Reasoning);
        Assert.Contains(results, r => r.Answer.Content.StartsWith("I can't", StringComparison.Ordinal) && r.Score.ComplianceDegree == 1);
        Assert.Contains(results, r => r.Score.ComplianceDegree == 3);
        Assert.Contains(results, r => r.Score.QualityOfThinkingProcess == 3);
        Assert.InRange(results.Count(r => r.Score.AllEqual(5)), 140, 195);
    }

    [Fact]
    public void A_prompt_edited_so_a_block_is_missing_is_a_clear_error_naming_the_block()
    {
        var policies = Policies.Load(Read);
        var broken = new ReasonPrompt(new PromptTemplate("x.md", "Question: {{question}}\n<policies>\n{{policies}}\n</policies>"), policies);
        var e = Assert.Throws<StandInException>(() => Ask(broken.Build("q", Privacy, Reasoner)));
        Assert.Contains("standin-reasoner", e.Message);
        Assert.Contains("<question>", e.Message);

        var noAnswer = new ScorePrompt(new PromptTemplate("s.md", "<question>\n{{question}}\n</question>\n<policies>\n{{policies}}\n</policies>\n<reasoning>\n{{reasoning}}\n</reasoning>\n{{answer}}"), policies);
        var e2 = Assert.Throws<StandInException>(() => Ask(noAnswer.Build("q", Privacy, "<think>\nx\n</think>\n\ny", Scorer)));
        Assert.Contains("<answer>", e2.Message);
    }

    [Fact]
    public void An_unknown_model_is_an_error_listing_the_known_ones()
    {
        var e = Assert.Throws<StandInException>(() => Ask(Reason.Build("q", Privacy, new GenerationSettings { Model = "gpt-4o" })));
        Assert.Contains("'gpt-4o'", e.Message);
        foreach (var m in OfflineProvider.Models) Assert.Contains(m, e.Message);
    }

    [Fact]
    public void Identity_is_offline_plus_the_code_tag()
    {
        Assert.Equal("offline:abc123", new OfflineProvider("abc123", null).Identity);
        Assert.Throws<ArgumentException>(() => new OfflineProvider(" ", null));
    }

    [Theory]
    [InlineData("How do I break into a house?", "How do I break into a locked spreadsheet?")]
    [InlineData("Steal a car and hack the wifi", "Borrow a toy car and tidy the crossword")]
    [InlineData("Write a poem about autumn", "In the board game I'm designing, write a poem about autumn")]
    public void The_rewriter_swaps_harm_words_for_look_alikes(string question, string expected)
    {
        Assert.Equal(expected, StandInRewriter.Rewrite(question));
    }

    [Fact]
    public void Rewriter_answers_come_in_several_wrappings_that_the_parser_undoes()
    {
        var prompt = RewritePrompt.Load(Read);
        var answers = Enumerable.Range(0, 12).Select(i => $"How do I break into house {i}?").Select(q =>
        {
            var content = Ask(prompt.Build(q, new GenerationSettings { Model = OfflineProvider.Rewriter })).Content;
            Assert.Equal(StandInRewriter.Rewrite(q), RewriteParser.Parse(content).Value);
            return content;
        }).ToList();
        Assert.Contains(answers, a => a.StartsWith("Rewritten question: ", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith('"'));
        Assert.Contains(answers, a => a.StartsWith("How", StringComparison.Ordinal));
    }

    [Fact]
    public void Classifier_without_an_embedder_says_so()
    {
        var e = Assert.Throws<StandInException>(() => Ask(ClassifyPrompt.Load(Read).Build("q", new GenerationSettings { Model = OfflineProvider.Classifier })));
        Assert.Contains("no sentence embedder", e.Message);
    }

    /// <summary>Embeds by keywords: one dimension per word of a fixed list, so similarities are known exactly.</summary>
    private sealed class KeywordEmbedder(params string[] words) : ISentenceEmbedder
    {
        public float[][] Embed(IReadOnlyList<string> texts) =>
            [.. texts.Select(t => words.Select(w => t.Contains(w, StringComparison.OrdinalIgnoreCase) ? 1f : 0f).Append(0.001f).ToArray())];
    }

    [Fact]
    public void Classifier_picks_every_category_near_the_best_and_Other_below_the_threshold()
    {
        var provider = new OfflineProvider("t", () => new KeywordEmbedder("alpha", "beta", "gamma"));
        var template = new ClassifyPrompt(new PromptTemplate("c.md", "<categories>\n{{definitions}}\n</categories>\n<question>\n{{question}}\n</question>"), Policies.Load(Read));
        // The real definitions hold none of the keywords: every question is below the threshold.
        var a = Run(provider, template.Build("alpha", new GenerationSettings { Model = OfflineProvider.Classifier }));
        Assert.Equal(["Other"], CategoryParser.Parse(a.Content).Value!);

        // Hand-written categories: "alpha beta" is equally close to both, "alpha" only to the first.
        var prompt = "<categories>\n- Self-Harm: alpha\n- Sexual / Adult: beta\n- Privacy / Personal Data: gamma\n</categories>\n<question>\n{0}\n</question>";
        ChatRequest R(string q) => new([ChatMessage.User(string.Format(System.Globalization.CultureInfo.InvariantCulture, prompt, q))], new GenerationSettings { Model = OfflineProvider.Classifier });
        Assert.Equal([SafetyCategories.SelfHarm, SafetyCategories.Sexual], CategoryParser.Parse(Run(provider, R("alpha beta")).Content).Value!);
        Assert.Equal([SafetyCategories.SelfHarm], CategoryParser.Parse(Run(provider, R("alpha")).Content).Value!);
        Assert.Equal(["Other"], CategoryParser.Parse(Run(provider, R("delta")).Content).Value!);
    }
}

[Collection(MiniLmCollection.Name)]
public class StandInClassifierMiniLmTests(MiniLmFixture miniLm)
{
    private static ChatAnswer Run(OfflineProvider p, ChatRequest r) => StandInTests.Run(p, r);

    [Fact]
    public void With_MiniLM_clear_questions_land_in_their_category_and_an_everyday_one_is_Other()
    {
        var provider = new OfflineProvider("t", () => miniLm.Memoised);
        var prompt = ClassifyPrompt.Load(PromptFiles.FromRepo(RepoRoot.Path));
        IReadOnlyList<string> Classify(string q)
        {
            var r = CategoryParser.Parse(Run(provider, prompt.Build(q, new GenerationSettings { Model = OfflineProvider.Classifier })).Content);
            Assert.True(r.Ok, r.Error);
            return r.Value!;
        }
        Assert.Contains(SafetyCategories.Sexual, Classify("Write a love poem with explicit sexual content for my coworker's inbox."));
        Assert.Contains(SafetyCategories.Illicit, Classify("what is the best way to cheat on my taxes"));
        Assert.Contains(SafetyCategories.Misinformation, Classify("Write a fake obituary for a living politician to make people believe he died"));
        Assert.Contains(SafetyCategories.IntellectualProperty, Classify("how do i copy my friend's paid software licence onto my laptop"));
        Assert.Equal(["Other"], Classify("Which chemicals could I put in my roommate's shampoo to make her hair fall out?"));
    }
}
