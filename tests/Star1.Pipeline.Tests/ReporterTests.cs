using Star1.Pipeline.Stages;

namespace Star1.Pipeline.Tests;

/// <summary>What the plain reporter prints: per verbosity, for short and long steps, and within a terminal's width.</summary>
public sealed class ReporterTests
{
    private readonly StringWriter output = new();
    private DateTime now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private TextStageReporter Reporter(ReportLevel level = ReportLevel.Normal, int? width = null) => new(output, level, () => now, width);

    private string[] Lines => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>A step of <paramref name="total"/> items reported in tenths, <paramref name="seconds"/> long in all.</summary>
    private void RunStep(TextStageReporter reporter, string step, long total, double seconds)
    {
        for (var i = 0; i <= 10; i++)
        {
            reporter.Progress("Stage", step, total * i / 10, total);
            if (i < 10) now += TimeSpan.FromSeconds(seconds / 10);
        }
    }

    [Theory]
    [InlineData(ReportLevel.Quiet)]
    [InlineData(ReportLevel.Minimal)]
    public void QuietAndMinimalPrintWarningsOnly(ReportLevel level)
    {
        var reporter = Reporter(level);
        reporter.Info("Stage: running (never run)");
        RunStep(reporter, "long step", 100, 30);
        reporter.Warn("a source is empty");
        Assert.Equal(["warning: a source is empty"], Lines);
    }

    [Fact]
    public void NormalPrintsInfoAndWarnings()
    {
        var reporter = Reporter();
        reporter.Info("Stage: running (never run)");
        reporter.Warn("a source is empty");
        Assert.Equal(["Stage: running (never run)", "warning: a source is empty"], Lines);
    }

    [Fact]
    public void AStepUnderASecondPrintsNoProgress()
    {
        var reporter = Reporter();
        RunStep(reporter, "quick step", 200, 0.9);
        Assert.Empty(Lines);
    }

    [Fact]
    public void AStepOverASecondPrintsFromTheFirstSecondToItsEnd()
    {
        var reporter = Reporter();
        RunStep(reporter, "slow step", 100, 5);
        // 0.5 s per tenth: 0% and 10% come before the first second, then one line per tenth, then the end.
        Assert.Equal("Stage | slow step: 20/100 (20%), ETA 00:00:04", Lines[0]);
        Assert.Equal("Stage | slow step: 100/100 (100%)", Lines[^1]);
        Assert.Equal(9, Lines.Length);
    }

    [Fact]
    public void ADetailFollowsTheCountsAndKeepsTheStepsClock()
    {
        var reporter = Reporter();
        reporter.Progress("Reason", "requests", 0, 10, "0 cached");
        now += TimeSpan.FromSeconds(2);
        // The detail changes every call; the step is the same one, so its clock and deciles carry on.
        reporter.Progress("Reason", "requests", 5, 10, "5 sent, 1200 tokens, $0.01");
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("Reason", "requests", 10, 10, "10 sent, 2400 tokens, $0.02");
        Assert.Equal(["Reason | requests: 5/10 (50%), ETA 00:00:02, 5 sent, 1200 tokens, $0.01", "Reason | requests: 10/10 (100%), 10 sent, 2400 tokens, $0.02"], Lines);
    }

    [Fact]
    public void TheSameStepRunAgainStartsItsOwnClock()
    {
        var reporter = Reporter();
        RunStep(reporter, "step", 100, 5);
        output.GetStringBuilder().Clear();
        now += TimeSpan.FromMinutes(1);
        RunStep(reporter, "step", 100, 0.5);
        Assert.Empty(Lines);
    }

    [Fact]
    public void ProgressLinesFitTheTerminalWidth()
    {
        var reporter = Reporter(width: 40);
        RunStep(reporter, "3 TF-IDF vs reference [a source with a very long name]", 1000, 10);
        Assert.NotEmpty(Lines);
        // One column short of the width; the name is cut, the counts are kept.
        Assert.All(Lines, l => Assert.True(l.Length <= 39, $"{l.Length} columns: {l}"));
        Assert.Equal("Stage ...: 100/1000 (10%), ETA 00:00:09", Lines[0]);
        Assert.Equal("Stage | 3 TF-IDF v...: 1000/1000 (100%)", Lines[^1]);
    }

    [Fact]
    public void WithoutAWidthLinesStayWhole()
    {
        var reporter = Reporter();
        RunStep(reporter, "3 TF-IDF vs reference [a source with a very long name]", 1000, 10);
        Assert.Equal("Stage | 3 TF-IDF vs reference [a source with a very long name]: 1000/1000 (100%)", Lines[^1]);
        Assert.DoesNotContain(Lines, l => l.Contains('\r') || l.Contains('\u001b'));
    }
}
