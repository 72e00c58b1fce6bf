using System.Globalization;
using System.Text;
using Star1.Data.Deliberation;

namespace Star1.Data.Selection;

/// <summary>
/// Category and source counts of a set (multi-label: an item counts once for each of its categories), as the
/// paper reports them for STAR-1: most frequent first, ties in category order (the paper's), then by name.
/// </summary>
public static class Distributions
{
    public static Distribution Of(IEnumerable<(string Source, IReadOnlyList<string> Categories)> items)
    {
        var categories = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new Dictionary<string, int>(StringComparer.Ordinal);
        int n = 0;
        foreach (var (source, cats) in items)
        {
            n++;
            sources[source] = sources.GetValueOrDefault(source) + 1;
            foreach (var c in cats.Distinct(StringComparer.Ordinal)) categories[c] = categories.GetValueOrDefault(c) + 1;
        }
        return new Distribution(n, Ordered(categories, CategoryRank), Ordered(sources, _ => 0));
    }

    public static Distribution Of(IEnumerable<StarOneRecord> records) => Of(records.Select(r => (r.Source, r.Category)));

    public static Distribution Of(IEnumerable<ScoredQuestion> records) => Of(records.Select(r => (r.Source, r.Category)));

    private static int CategoryRank(string name)
    {
        for (int i = 0; i < SafetyCategories.All.Count; i++) if (SafetyCategories.All[i] == name) return i;
        return SafetyCategories.All.Count;
    }

    // Insertion order is the JSON order: System.Text.Json writes a Dictionary's entries in enumeration order,
    // which for a dictionary that never had a removal is insertion order.
    private static Dictionary<string, int> Ordered(Dictionary<string, int> counts, Func<string, int> rank)
    {
        var ordered = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => rank(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            ordered[k] = v;
        return ordered;
    }

    /// <summary>The distribution as a plain-text table (for the build log): count and share per category and source.</summary>
    public static string Table(Distribution d)
    {
        var rows = new List<(string Kind, string Name, int Count)>();
        rows.AddRange(d.Categories.Select(kv => ("category", kv.Key, kv.Value)));
        rows.AddRange(d.Sources.Select(kv => ("source", kv.Key, kv.Value)));
        int nameWidth = Math.Max(4, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"",-8}  {"name".PadRight(nameWidth)}  {"count",6}  {"share",6}\n");
        foreach (var (kind, name, count) in rows)
        {
            double share = d.Items == 0 ? 0 : 100.0 * count / d.Items;
            sb.Append(CultureInfo.InvariantCulture, $"{kind,-8}  {name.PadRight(nameWidth)}  {count,6}  {share,5:0.0}%\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"{"total",-8}  {"items".PadRight(nameWidth)}  {d.Items,6}\n");
        return sb.ToString();
    }
}
