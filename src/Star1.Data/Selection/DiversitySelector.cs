namespace Star1.Data.Selection;

/// <summary>
/// The diversity rule of paper section 2.3: until <c>size</c> items remain, remove the item with the largest
/// <c>share(source) * sum over its categories of share(category)</c>, where share(source) = items of that
/// source / items left and share(category) = items carrying that category / sum of all category counts over
/// the items left; recomputed every round; ties go to the first such item in input order.
/// <para>
/// How it stays fast at 41k without changing a decision: in any one round both denominators (items left,
/// total category count) are the same for every item, so the item with the largest score is the item with the
/// largest integer <c>count(source) * sum of count(category)</c>. Comparing those integers is exact, where the
/// original's floating-point products could split a mathematical tie by rounding; this follows the rule as
/// written. Items with the same source and the same category set always have the same score, so they form a
/// group whose candidate is its first remaining item; a round scans the groups (a few hundred to a few thousand:
/// sources times the category combinations that occur), not the items, and updates the counts of the one
/// removed item. Cost: O(removed * groups * categories per item).
/// </para>
/// </summary>
public static class DiversitySelector
{
    /// <summary>
    /// The indices of the items kept, in input order. Categories are taken as given: duplicates within an
    /// item count once. An item with no category scores 0.
    /// </summary>
    public static IReadOnlyList<int> Keep(IReadOnlyList<(string Source, IReadOnlyList<string> Categories)> items, int size)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        int n = items.Count;
        if (n <= size) return [.. Enumerable.Range(0, n)];

        var sourceIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var categoryIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var groupIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new List<Group>();
        var sourceCounts = new List<long>();
        var categoryCounts = new List<long>();

        for (int i = 0; i < n; i++)
        {
            var (source, categories) = items[i];
            int s = Intern(sourceIds, source, sourceCounts);
            var cats = categories.Distinct(StringComparer.Ordinal).Select(c => Intern(categoryIds, c, categoryCounts)).Order().ToArray();
            sourceCounts[s]++;
            foreach (int c in cats) categoryCounts[c]++;
            var key = s + ":" + string.Join(',', cats);
            if (!groupIds.TryGetValue(key, out int g))
            {
                groupIds[key] = g = groups.Count;
                groups.Add(new Group(s, cats));
            }
            groups[g].Members.Add(i);
        }

        long[] sourceCount = [.. sourceCounts], categoryCount = [.. categoryCounts];
        var removed = new bool[n];
        var alive = new List<Group>(groups);
        for (int left = n; left > size; left--)
        {
            Group? best = null;
            long bestScore = -1;
            int bestItem = int.MaxValue;
            foreach (var g in alive)
            {
                long sum = 0;
                foreach (int c in g.Categories) sum += categoryCount[c];
                long score = sourceCount[g.Source] * sum;
                int head = g.Members[g.Head];
                if (score > bestScore || (score == bestScore && head < bestItem))
                {
                    best = g;
                    bestScore = score;
                    bestItem = head;
                }
            }
            var chosen = best!;
            removed[bestItem] = true;
            sourceCount[chosen.Source]--;
            foreach (int c in chosen.Categories) categoryCount[c]--;
            if (++chosen.Head == chosen.Members.Count) alive.Remove(chosen);
        }

        var kept = new List<int>(size);
        for (int i = 0; i < n; i++) if (!removed[i]) kept.Add(i);
        return kept;
    }

    private static int Intern(Dictionary<string, int> ids, string name, List<long> counts)
    {
        if (ids.TryGetValue(name, out int id)) return id;
        ids[name] = id = counts.Count;
        counts.Add(0);
        return id;
    }

    private sealed class Group(int source, int[] categories)
    {
        public int Source { get; } = source;
        public int[] Categories { get; } = categories;
        public List<int> Members { get; } = [];
        public int Head { get; set; }
    }
}
