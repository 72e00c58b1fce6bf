using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// One dropped question and the reason: what it collided with, and the shared n-gram (steps 1-2) or the
/// cosine (steps 3-6).
/// </summary>
/// <param name="Question">The dropped question's text.</param>
/// <param name="Source">The source it came from.</param>
/// <param name="MatchedQuestion">The question it matched (kept earlier, or a test question).</param>
/// <param name="MatchedOrigin">The source or test set name of the matched question.</param>
/// <param name="MatchedIsTestSet">True when the match is a test question.</param>
/// <param name="SharedNgram">Steps 1-2: the shared normalised n-gram; otherwise null.</param>
/// <param name="Similarity">Steps 3-6: the cosine; otherwise null.</param>
public sealed record DroppedExample(
    string Question,
    string Source,
    string MatchedQuestion,
    string MatchedOrigin,
    bool MatchedIsTestSet,
    string? SharedNgram,
    double? Similarity);

/// <summary>One step's counts for one source. Input = Kept + Dropped.</summary>
public sealed record SourceStepCounts(string Source, int Input, int Kept, int Dropped, IReadOnlyList<DroppedExample> Examples);

/// <summary>One step's totals over all sources, its per-source breakdown, and a few examples.</summary>
public sealed record StepStats(
    FunnelStep Step,
    string Title,
    int Input,
    int Kept,
    int Dropped,
    IReadOnlyList<SourceStepCounts> Sources,
    IReadOnlyList<DroppedExample> Examples);

/// <summary>A source's raw size and how many of its questions survived the whole funnel.</summary>
public sealed record SourceSummary(string Source, int Raw, int Collected);

/// <summary>
/// What the funnel did, step by step and source by source. Plain records and lists, so it round-trips
/// through System.Text.Json (<see cref="ToJson"/> uses camelCase property names and step names as strings).
/// </summary>
public sealed record FunnelStats(
    int RawQuestions,
    int TestQuestions,
    int Collected,
    IReadOnlyList<SourceSummary> Sources,
    IReadOnlyList<StepStats> Steps)
{
    // Relaxed escaping: the file is for people and later stages, never HTML (see CollectOutputs).
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public StepStats this[FunnelStep step] =>
        Steps.FirstOrDefault(s => s.Step == step) ?? throw new KeyNotFoundException($"No stats for step {step}.");

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static FunnelStats FromJson(string json) =>
        JsonSerializer.Deserialize<FunnelStats>(json, JsonOptions)
        ?? throw new JsonException("The JSON holds no funnel stats (it is 'null').");

    /// <summary>The funnel as a plain-text table: one row per step with in / kept / dropped.</summary>
    public string ToTable()
    {
        var rows = new List<string[]> { new[] { "step", "in", "kept", "dropped" } };
        rows.Add(new[] { "raw questions", "", Num(RawQuestions), "" });
        foreach (StepStats s in Steps) rows.Add(new[] { s.Title, Num(s.Input), Num(s.Kept), Num(s.Dropped) });
        rows.Add(new[] { "collected", "", Num(Collected), "" });
        return Render(rows, rightAlignFrom: 1);
    }

    /// <summary>Rows = sources, columns = raw size, drops per step, collected.</summary>
    public string ToSourceTable()
    {
        var header = new List<string> { "source", "raw" };
        header.AddRange(Steps.Select(s => "-" + (int)(s.Step + 1)));
        header.Add("collected");
        var rows = new List<string[]> { header.ToArray() };
        foreach (SourceSummary src in Sources)
        {
            var row = new List<string> { src.Source, Num(src.Raw) };
            foreach (StepStats s in Steps)
                row.Add(Num(s.Sources.FirstOrDefault(c => c.Source == src.Source)?.Dropped ?? 0));
            row.Add(Num(src.Collected));
            rows.Add(row.ToArray());
        }
        return Render(rows, rightAlignFrom: 1);
    }

    private static string Num(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Render(List<string[]> rows, int rightAlignFrom)
    {
        int cols = rows[0].Length;
        var width = new int[cols];
        foreach (string[] r in rows)
            for (int c = 0; c < cols; c++) width[c] = Math.Max(width[c], r[c].Length);
        var sb = new StringBuilder();
        for (int i = 0; i < rows.Count; i++)
        {
            for (int c = 0; c < cols; c++)
            {
                if (c > 0) sb.Append("  ");
                sb.Append(c >= rightAlignFrom ? rows[i][c].PadLeft(width[c]) : rows[i][c].PadRight(width[c]));
            }
            sb.Append('\n');
            if (i == 0) sb.Append(new string('-', width.Sum() + 2 * (cols - 1))).Append('\n');
        }
        return sb.ToString();
    }
}
