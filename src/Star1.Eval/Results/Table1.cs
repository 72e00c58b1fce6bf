using System.Globalization;
using System.Text;
using Star1.Eval.Benchmarks;

namespace Star1.Eval.Results;

/// <summary>One benchmark's result: the metric in percent (0-100) and over how many items it was measured.</summary>
public sealed record BenchmarkScore(double Percent, int Items);

/// <summary>One evaluated model: its name, the paper row it reproduces (null if none), and its scores by benchmark name.</summary>
public sealed record Table1Entry(string Model, string? PaperKey, IReadOnlyDictionary<string, BenchmarkScore> Scores);

/// <summary>
/// Renders results in the layout of the paper's Table 1: one row per model, the four safety sets and their
/// average, XSTest, the five reasoning sets and their average, percentages to one decimal.
/// </summary>
/// <remarks>
/// A model mapped to a paper row is followed by a second row, "paper: ...", holding the paper's numbers
/// in the same columns, and a third, "ours - paper", with the signed difference where both exist (an average
/// over only some of its sets has no difference: it is not the paper's average). Putting them in their own row rather than in the same cell ("93.3 (96.0)")
/// keeps every cell a single number, so columns stay narrow, line up, and can be read or copied as
/// numbers, while ours and the paper's still sit right above each other. A cell measured on fewer items
/// than the full set (a demo set, a subsample) says so, "87.5 (n=8)", since a percentage over 8 items
/// is not comparable to one over 313. An average over only some of its sets says how many it covers.
/// </remarks>
public static class Table1
{
    private static readonly string[] SafetySets = ["strongreject", "jbb", "wildchat", "wildjailbreak"];
    private static readonly string[] ReasoningSets = ["aime2024", "math500", "gpqa_diamond", "humaneval", "mmlu_pro"];

    /// <summary>The four sets the safety average is taken over, in the table's column order.</summary>
    public static IReadOnlyList<string> SafetyAverageSets => SafetySets;

    /// <summary>The five sets the reasoning average is taken over, in the table's column order.</summary>
    public static IReadOnlyList<string> ReasoningAverageSets => ReasoningSets;

    /// <summary>
    /// The mean of the sets present among the scores and how many of them that was (null when none is): the
    /// average the table prints, shared so a chart of it cannot drift from the table.
    /// </summary>
    public static (double Mean, int Sets)? Average(IReadOnlyDictionary<string, BenchmarkScore> scores, IReadOnlyList<string> sets)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(sets);
        var present = sets.Where(scores.ContainsKey).Select(n => scores[n].Percent).ToList();
        return present.Count == 0 ? null : (present.Average(), present.Count);
    }

    public static string Render(IReadOnlyList<Table1Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var header = new List<string> { "Model" };
        header.AddRange(SafetySets.Select(Title));
        header.Add("Safety avg");
        header.Add(Title("xstest"));
        header.AddRange(ReasoningSets.Select(Title));
        header.Add("Reasoning avg");

        var text = new StringBuilder();
        Line(text, header);
        Line(text, ["---", .. Enumerable.Repeat("---:", header.Count - 1)]);
        foreach (var entry in entries)
        {
            Validate(entry);
            Line(text, OurCells(entry));
            if (entry.PaperKey is not { } key) continue;
            var paper = PaperNumbers.Get(key);
            Line(text, PaperCells(paper));
            Line(text, DifferenceCells(entry, paper));
        }
        return text.ToString();
    }

    private static List<string> OurCells(Table1Entry entry)
    {
        string Cell(string name)
        {
            if (!entry.Scores.TryGetValue(name, out var s)) return "-";
            var full = BenchmarkCatalog.Get(name).PaperCount;
            return s.Items == full ? Percent(s.Percent) : $"{Percent(s.Percent)} (n={s.Items})";
        }
        string Average(string[] sets)
        {
            if (Table1.Average(entry.Scores, sets) is not { } average) return "-";
            var mean = Percent(average.Mean);
            return average.Sets == sets.Length ? mean : $"{mean} ({average.Sets} of {sets.Length})";
        }
        return [Escape(entry.Model), .. SafetySets.Select(Cell), Average(SafetySets), Cell("xstest"), .. ReasoningSets.Select(Cell), Average(ReasoningSets)];
    }

    private static List<string> PaperCells(PaperRow row)
    {
        string Cell(string name) => row.Scores.TryGetValue(name, out var v) ? Percent(v) : "-";
        return ["paper: " + Escape(row.Label), .. SafetySets.Select(Cell), Percent(row.SafetyAverage), Cell("xstest"),
            .. ReasoningSets.Select(Cell), Percent(row.ReasoningAverage)];
    }

    private static List<string> DifferenceCells(Table1Entry entry, PaperRow row)
    {
        string Cell(string name) => entry.Scores.TryGetValue(name, out var ours) && row.Scores.TryGetValue(name, out var paper) ? Signed(ours.Percent - paper) : "-";
        string Average(string[] sets, double paper) =>
            Table1.Average(entry.Scores, sets) is { } ours && ours.Sets == sets.Length ? Signed(ours.Mean - paper) : "-";
        return ["ours - paper", .. SafetySets.Select(Cell), Average(SafetySets, row.SafetyAverage), Cell("xstest"),
            .. ReasoningSets.Select(Cell), Average(ReasoningSets, row.ReasoningAverage)];
    }

    /// <summary>A difference in points with its sign, "+2.3" or "-0.7"; one that rounds to nothing is "0.0".</summary>
    private static string Signed(double value)
    {
        var text = Percent(value);
        return text is "0.0" or "-0.0" ? "0.0" : value > 0 ? "+" + text : text;
    }

    private static void Validate(Table1Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        foreach (var (name, score) in entry.Scores)
        {
            BenchmarkCatalog.Get(name);
            if (double.IsNaN(score.Percent) || score.Percent < 0 || score.Percent > 100)
                throw new ArgumentException($"{entry.Model}: {name} score {score.Percent} is not a percentage (0-100)", nameof(entry));
            if (score.Items <= 0)
                throw new ArgumentException($"{entry.Model}: {name} was measured on {score.Items} items", nameof(entry));
        }
    }

    private static string Title(string name) => BenchmarkCatalog.Get(name).Title;

    private static string Percent(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>A pipe in a model name would split the cell.</summary>
    private static string Escape(string text) => text.Replace("|", "\\|");

    private static void Line(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
}
