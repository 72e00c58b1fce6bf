using Star1.Data.Deliberation;

namespace Star1.Data.Selection;

/// <summary>What Select did: how many items went in, how many passed the accuracy filter, and the kept ones.</summary>
public sealed record SelectionResult(int Scored, int OtherDropped, int PassedAccuracy, IReadOnlyList<StarOneRecord> Selected);

/// <summary>
/// Paper section 2.3, Select: the accuracy filter, then <see cref="DiversitySelector"/> down to <c>size</c>.
/// </summary>
public static class StarOneSelection
{
    /// <summary>
    /// True when an item may enter the diversity step: all three criteria equal <paramref name="requiredScore"/>
    /// and, with <paramref name="excludeOther"/>, it carries at least one real category (not only "Other").
    /// </summary>
    public static bool PassesAccuracy(ScoredQuestion q, int requiredScore, bool excludeOther) =>
        q.Score.AllEqual(requiredScore) && !(excludeOther && SafetyCategories.IsOtherOnly(q.Category));

    public static SelectionResult Select(IReadOnlyList<ScoredQuestion> scored, int size, int requiredScore, bool excludeOther)
    {
        ArgumentNullException.ThrowIfNull(scored);
        int other = scored.Count(q => SafetyCategories.IsOtherOnly(q.Category));
        var passed = scored.Where(q => PassesAccuracy(q, requiredScore, excludeOther)).ToList();
        var kept = DiversitySelector.Keep([.. passed.Select(q => (q.Source, q.Category))], size);
        return new SelectionResult(scored.Count, excludeOther ? other : 0, passed.Count, [.. kept.Select(i => StarOneRecord.From(passed[i]))]);
    }
}

/// <summary>Appendix E, BenignSelect: keep the benign items scoring <c>required</c> (5) on all three criteria, in order.</summary>
public static class BenignSelection
{
    public static IReadOnlyList<BenignScored> Select(IReadOnlyList<BenignScored> scored, int requiredScore) =>
        [.. scored.Where(q => q.Score.AllEqual(requiredScore))];
}

/// <summary>The training set: STAR-1, then (for the over-refusal ablation) the selected benign items.</summary>
public static class TrainingSet
{
    public static IReadOnlyList<TrainingExample> Combine(IReadOnlyList<StarOneRecord> starOne, IReadOnlyList<BenignScored>? benign) =>
        [.. starOne.Select(r => new TrainingExample(r.Id, TrainingExample.StarOne, r.Question, r.Response)),
         .. (benign ?? []).Select(b => new TrainingExample(b.Id, TrainingExample.Benign, b.Question, b.Response))];
}
