using Star1.Data.Deliberation;
using Star1.Data.Selection;

namespace Star1.Data.Tests.Selection;

public class StarOneSelectionTests
{
    private static ScoredQuestion Q(int id, string source, IReadOnlyList<string> cats, int a = 10, int b = 10, int c = 10) =>
        new(id, $"q{id}", source, cats, $"r{id}", new SafetyScores(a, b, c));

    [Fact]
    public void The_accuracy_filter_needs_all_three_at_the_required_score_and_a_real_category()
    {
        Assert.True(StarOneSelection.PassesAccuracy(Q(0, "S", [SafetyCategories.Privacy]), 10, true));
        Assert.False(StarOneSelection.PassesAccuracy(Q(0, "S", [SafetyCategories.Privacy], a: 9), 10, true));
        Assert.False(StarOneSelection.PassesAccuracy(Q(0, "S", [SafetyCategories.Privacy], b: 9), 10, true));
        Assert.False(StarOneSelection.PassesAccuracy(Q(0, "S", [SafetyCategories.Privacy], c: 9), 10, true));
        Assert.False(StarOneSelection.PassesAccuracy(Q(0, "S", ["Other"]), 10, true));
        Assert.True(StarOneSelection.PassesAccuracy(Q(0, "S", ["Other"]), 10, false));
        Assert.True(StarOneSelection.PassesAccuracy(Q(0, "S", [SafetyCategories.Privacy], 9, 9, 9), 9, true));
    }

    [Fact]
    public void Select_filters_then_applies_the_diversity_rule_and_reports_counts()
    {
        var scored = new List<ScoredQuestion>
        {
            Q(0, "A", [SafetyCategories.Privacy]), Q(1, "A", [SafetyCategories.Privacy]), Q(2, "A", ["Other"]),
            Q(3, "B", [SafetyCategories.SelfHarm], c: 8), Q(4, "B", [SafetyCategories.SelfHarm]), Q(5, "A", [SafetyCategories.Privacy]),
        };
        var result = StarOneSelection.Select(scored, 2, 10, true);
        Assert.Equal(6, result.Scored);
        Assert.Equal(1, result.OtherDropped);
        Assert.Equal(4, result.PassedAccuracy);
        // Passed: 0, 1, 4, 5; A/Privacy (3 items) is removed first, twice: ids 0 then 1.
        Assert.Equal([4, 5], result.Selected.Select(r => r.Id));
        Assert.Equal("r4", result.Selected[0].Response);
        Assert.Equal(new SafetyScores(10, 10, 10), result.Selected[0].Score);
    }

    [Fact]
    public void Benign_selection_keeps_all_fives_and_the_training_set_appends_them()
    {
        var benign = new List<BenignScored>
        {
            new(1, "b1", "r1", "o1", "S", [SafetyCategories.Violence], new BenignScores(5, 5, 5)),
            new(2, "b2", "r2", "o2", "S", [SafetyCategories.Violence], new BenignScores(5, 4, 5)),
        };
        var kept = BenignSelection.Select(benign, 5);
        Assert.Equal([1], kept.Select(b => b.Id));
        var star = new List<StarOneRecord> { new(1, "q1", "a1", [SafetyCategories.Violence], "S", new SafetyScores(10, 10, 10)) };
        var training = TrainingSet.Combine(star, kept);
        Assert.Equal([("star1", "q1"), ("benign", "b1")], training.Select(t => (t.Origin, t.Question)));
        Assert.Single(TrainingSet.Combine(star, null));
    }
}
