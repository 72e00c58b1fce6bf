using System.Diagnostics;
using System.Numerics;
using Star1.Data.Deliberation;
using Star1.Data.Selection;

namespace Star1.Data.Tests.Selection;

public class DiversitySelectorTests
{
    /// <summary>
    /// The rule of paper section 2.3 written as plainly as possible: every round, compute every remaining item's
    /// score from fresh counts, as an exact fraction (BigInteger numerator / denominator), and remove the first
    /// item with the largest one. Quadratic and slow on purpose.
    /// </summary>
    private static List<int> Reference(IReadOnlyList<(string Source, IReadOnlyList<string> Categories)> items, int size)
    {
        var left = Enumerable.Range(0, items.Count).ToList();
        while (left.Count > size)
        {
            int n = left.Count;
            var sourceCount = left.GroupBy(i => items[i].Source).ToDictionary(g => g.Key, g => g.Count());
            var categoryCount = left.SelectMany(i => items[i].Categories.Distinct()).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
            int total = categoryCount.Values.Sum();
            int bestAt = -1;
            (BigInteger Num, BigInteger Den) best = (-1, 1);
            for (int k = 0; k < left.Count; k++)
            {
                var (source, categories) = items[left[k]];
                // share(source) = sourceCount / n; sum of share(category) = sum(categoryCount) / total.
                BigInteger num = sourceCount[source] * (BigInteger)categories.Distinct().Sum(c => categoryCount[c]);
                BigInteger den = (BigInteger)n * Math.Max(total, 1);
                if (num * best.Den > best.Num * den) { best = (num, den); bestAt = k; }
            }
            left.RemoveAt(bestAt);
        }
        return left;
    }

    private static List<(string, IReadOnlyList<string>)> Generate(int seed, int n, int sources, int categories)
    {
        var rng = new Random(seed);
        var names = SafetyCategories.All.Take(categories).ToArray();
        var items = new List<(string, IReadOnlyList<string>)>();
        for (int i = 0; i < n; i++)
        {
            // Few sources and categories, mostly single labels: many exact ties.
            int labels = rng.Next(10) < 7 ? 1 : rng.Next(2, 4);
            var cats = Enumerable.Range(0, labels).Select(_ => names[rng.Next(names.Length)]).Distinct().ToList();
            items.Add(($"S{rng.Next(sources)}", cats));
        }
        return items;
    }

    [Theory]
    [InlineData(1, 60, 3, 3, 10)]
    [InlineData(2, 120, 4, 8, 30)]
    [InlineData(3, 200, 2, 2, 50)]
    [InlineData(4, 150, 6, 5, 1)]
    [InlineData(5, 90, 1, 1, 20)]
    [InlineData(6, 250, 5, 8, 100)]
    [InlineData(7, 40, 3, 4, 0)]
    public void Keeps_exactly_what_the_plain_reference_keeps(int seed, int n, int sources, int categories, int size)
    {
        var items = Generate(seed, n, sources, categories);
        var expected = Reference(items, size);
        var actual = DiversitySelector.Keep(items, size);
        Assert.Equal(size, actual.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Ties_go_to_the_first_item_in_order()
    {
        // Four identical-score items: the first ones are removed first.
        IReadOnlyList<(string, IReadOnlyList<string>)> items =
            [("A", ["x"]), ("B", ["y"]), ("A", ["x"]), ("B", ["y"])];
        Assert.Equal([2, 3], DiversitySelector.Keep(items, 2));
    }

    [Fact]
    public void The_most_common_source_and_category_go_first()
    {
        IReadOnlyList<(string, IReadOnlyList<string>)> items =
            [("Rare", ["a"]), ("Big", ["b"]), ("Big", ["b"]), ("Big", ["a"]), ("Rare", ["b"])];
        // Round 1: Big/b scores 3*3 = 9 (items 1, 2), the others 4 or 6 -> item 1 goes.
        // Round 2: Big 2, Rare 2, a 2, b 2: every item scores 2*2 = 4, a four-way tie -> the first, item 0.
        Assert.Equal([2, 3, 4], DiversitySelector.Keep(items, 3));
    }

    [Fact]
    public void Nothing_is_removed_when_there_are_not_more_items_than_the_size()
    {
        var items = Generate(9, 10, 2, 2);
        Assert.Equal(Enumerable.Range(0, 10), DiversitySelector.Keep(items, 10));
        Assert.Equal(Enumerable.Range(0, 10), DiversitySelector.Keep(items, 1000));
    }

    [Fact]
    public void Runs_41k_items_down_to_1000_in_seconds()
    {
        var items = Generate(41, 41_000, 18, 8);
        var clock = Stopwatch.StartNew();
        var kept = DiversitySelector.Keep(items, 1000);
        clock.Stop();
        Assert.Equal(1000, kept.Count);
        Assert.True(kept.SequenceEqual(kept.Order()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        // Diversity did its job: the source counts end up nearly even (18 sources, 1000 items).
        var perSource = kept.GroupBy(i => items[i].Item1).Select(g => g.Count()).ToList();
        Assert.True(perSource.Max() - perSource.Min() <= 30, string.Join(",", perSource));
    }
}
