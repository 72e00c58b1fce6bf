using Snapshooter.Xunit;
using Star1.Eval.Results;

namespace Star1.Eval.Tests.Results;

public class Table1Tests
{
    private static Dictionary<string, BenchmarkScore> Scores(params (string Name, double Percent, int Items)[] scores) =>
        scores.ToDictionary(s => s.Name, s => new BenchmarkScore(s.Percent, s.Items));

    [Fact]
    public void RendersOursWithThePapersRowBelow()
    {
        var text = Table1.Render(
        [
            new("R1-Distill-Qwen-1.5B (ours)", "r1-distill-qwen-1.5b", Scores(
                ("strongreject", 20.13, 313), ("jbb", 21, 100), ("wildchat", 50.27, 370), ("wildjailbreak", 55.2, 250), ("xstest", 98.4, 250),
                ("aime2024", 26.67, 30), ("math500", 79, 500), ("gpqa_diamond", 31.31, 198), ("humaneval", 48.17, 164), ("mmlu_pro", 34.04, 12032))),
            new("STAR-1 1.5B demo", "star1-qwen-1.5b", Scores(("strongreject", 87.5, 8), ("jbb", 100, 8), ("xstest", 75, 8), ("aime2024", 37.5, 8))),
            new("my|model", null, Scores(("math500", 12.25, 500))),
            new("STAR-1 7B", "star1-qwen-7b", Scores()),
        ]);
        Snapshot.Match(text);
    }

    [Fact]
    public void UnderThePapersRowIsOursMinusThePapersWhereBothExist()
    {
        var lines = Table1.Render([new("m", "star1-qwen-1.5b", Scores(("strongreject", 90.0, 313), ("jbb", 96.0, 100), ("xstest", 75, 250)))]).Split('\n');
        var cells = lines[4].Split(" | ");
        Assert.Equal("| ours - paper", cells[0]);
        Assert.Equal("-3.3", cells[1]);          // 90.0 - 93.3
        Assert.Equal("0.0", cells[2]);           // 96.0 - 96.0, no sign
        Assert.Equal("-", cells[3]);             // WildChat: not measured here
        Assert.Equal("-", cells[5]);             // an average over 2 of 4 sets is not the paper's average
        Assert.Equal("-", cells[6]);             // XSTest: the paper's row has no number
    }

    [Fact]
    public void AveragesCoverAllSetsOrSayHowManyTheyCover()
    {
        var lines = Table1.Render([new("m", null, Scores(("strongreject", 50, 313), ("jbb", 70, 100)))]).Split('\n');
        var cells = lines[2].Split(" | ");
        Assert.Equal("60.0 (2 of 4)", cells[5]);
        Assert.Equal("-", cells[^1].TrimEnd(' ', '|'));
        Assert.Equal(3, lines.Count(l => l.Length > 0));
    }

    [Fact]
    public void TheSharedAverageIsTheMeanOfThePresentSetsAndCountsThem()
    {
        // The report's bar charts use this function: it must give what the table prints.
        var scores = Scores(("strongreject", 50, 313), ("jbb", 70, 100), ("math500", 10, 500));
        Assert.Equal((60.0, 2), Table1.Average(scores, Table1.SafetyAverageSets));
        Assert.Equal((10.0, 1), Table1.Average(scores, Table1.ReasoningAverageSets));
        Assert.Null(Table1.Average(Scores(("xstest", 90, 250)), Table1.SafetyAverageSets));
        Assert.Equal(["strongreject", "jbb", "wildchat", "wildjailbreak"], Table1.SafetyAverageSets);
        Assert.Equal(["aime2024", "math500", "gpqa_diamond", "humaneval", "mmlu_pro"], Table1.ReasoningAverageSets);
    }

    [Fact]
    public void ThePapersAveragesAreTheMeansOfItsPerBenchmarkNumbers()
    {
        foreach (var row in PaperNumbers.Rows.Where(r => r.Scores.Count > 0))
        {
            Assert.Equal(row.SafetyAverage, Math.Round(new[] { "strongreject", "jbb", "wildchat", "wildjailbreak" }.Average(n => row.Scores[n]), 1));
            Assert.Equal(row.ReasoningAverage, Math.Round(new[] { "aime2024", "math500", "gpqa_diamond", "humaneval", "mmlu_pro" }.Average(n => row.Scores[n]), 1));
        }
        Assert.Equal(10, PaperNumbers.Rows.Count);
        Assert.Equal(96.1, PaperNumbers.Get("star1-qwen-32b").SafetyAverage);
        Assert.Contains("star1-qwen-1.5b", Assert.Throws<ArgumentException>(() => PaperNumbers.Get("star1")).Message);
    }

    [Fact]
    public void EveryPaperRowRendersWithItsLabelAndAverages()
    {
        var text = Table1.Render([.. PaperNumbers.Rows.Select(r => new Table1Entry("ours " + r.Key, r.Key, Scores()))]);
        Snapshot.Match(text);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(100.0)]
    public void ZeroAndHundredAreValidScores(double percent) =>
        Assert.Contains(percent.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " |",
            Table1.Render([new("m", null, Scores(("jbb", percent, 100)))]));

    [Fact]
    public void BadInputIsRefusedNamingModelAndBenchmark()
    {
        Assert.Throws<ArgumentNullException>(() => Table1.Render(null!));
        Assert.Throws<ArgumentNullException>(() => Table1.Render([null!]));
        Assert.Equal("m1: jbb score -0.1 is not a percentage (0-100) (Parameter 'entry')",
            Assert.Throws<ArgumentException>(() => Table1.Render([new("m1", null, Scores(("jbb", -0.1, 10)))])).Message);
        Assert.Throws<ArgumentException>(() => Table1.Render([new("m1", null, Scores(("jbb", double.NaN, 10)))]));
        Assert.Equal("m2: xstest was measured on -1 items (Parameter 'entry')",
            Assert.Throws<ArgumentException>(() => Table1.Render([new("m2", null, Scores(("xstest", 5, -1)))])).Message);
    }

    [Fact]
    public void BadInputIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Table1.Render([new("m", null, Scores(("gpqa", 50, 10)))]));
        Assert.Throws<ArgumentException>(() => Table1.Render([new("m", null, Scores(("jbb", 0.5 * 300, 10)))]));
        Assert.Throws<ArgumentException>(() => Table1.Render([new("m", null, Scores(("jbb", 50, 0)))]));
        Assert.Throws<ArgumentException>(() => Table1.Render([new("m", "nope", Scores())]));
    }
}
