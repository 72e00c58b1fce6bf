using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Engine;

namespace Star1.Pipeline.Tests;

/// <summary>The options --accept and Gc's --keep-* read, the quiet result line, and how output is set up.</summary>
public sealed class HostOptionsTests
{
    [Fact]
    public void AcceptAndTheKeepRulesAreRead()
    {
        var options = HostOptions.Parse(["--accept", "--keep-last", "3", "--keep-days=1.5", "--keep-size", "2G"]);
        Assert.True(options.Accept);
        Assert.Equal(3, options.KeepLast);
        Assert.Equal(1.5, options.KeepDays);
        Assert.Equal(2L << 30, options.KeepBytes);
        var defaults = HostOptions.Parse([]);
        Assert.Equal((false, 0, (double?)null, (long?)null), (defaults.Accept, defaults.KeepLast, defaults.KeepDays, defaults.KeepBytes));
    }

    [Theory]
    [InlineData("123", 123L)]
    [InlineData("64K", 64L << 10)]
    [InlineData("500M", 500L << 20)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("2GB", 2L << 30)]
    [InlineData("0", 0L)]
    public void SizesTakeBinarySuffixes(string text, long bytes) =>
        Assert.Equal(bytes, HostOptions.Parse(["--keep-size", text]).KeepBytes);

    [Theory]
    [InlineData("--keep-last", "-1", "--keep-last expects a whole number of entries, got '-1'")]
    [InlineData("--keep-last", "2.5", "--keep-last expects a whole number of entries, got '2.5'")]
    [InlineData("--keep-days", "-3", "--keep-days expects a number of days, got '-3'")]
    [InlineData("--keep-days", "week", "--keep-days expects a number of days, got 'week'")]
    [InlineData("--keep-size", "lots", "--keep-size expects a size such as 500M or 2G, got 'lots'")]
    [InlineData("--keep-size", "-5M", "--keep-size expects a size such as 500M or 2G, got '-5M'")]
    public void BadKeepValuesAreRejectedNamingTheOption(string option, string value, string message)
    {
        // Written option=value: a value starting with '-' would otherwise be read as the next option.
        var error = Assert.Throws<ArgumentException>(() => HostOptions.Parse([$"{option}={value}"]));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void TheQuietResultLineCountsEachResultInOrderAndAddsTheTimes()
    {
        var text = new StringWriter();
        var console = HostOutput.CreateConsole(text, isTerminal: false);
        StageTables.PrintResultLine(console,
        [
            new StageOutcome("B", StageResult.UpToDate, "", TimeSpan.FromSeconds(0.25), null),
            new StageOutcome("A", StageResult.Executed, "", TimeSpan.FromSeconds(1), null),
            new StageOutcome("C", StageResult.UpToDate, "", TimeSpan.FromSeconds(0.5), null),
        ]);
        Assert.Equal("3 stages: 1 executed, 2 up-to-date (1.75 s)", text.ToString().Trim());
        StageTables.PrintResultLine(console, []);
        Assert.Equal("3 stages: 1 executed, 2 up-to-date (1.75 s)", text.ToString().Trim());
    }

    [Fact]
    public void RedirectedOutputIsWideAndPlainAndProgressIsNotCutThere()
    {
        var redirected = HostOutput.CreateConsole(new StringWriter(), isTerminal: false);
        Assert.Equal(HostOutput.RedirectedWidth, redirected.Profile.Width);
        Assert.Equal(ColorSystem.NoColors, redirected.Profile.Capabilities.ColorSystem);
        Assert.Null(HostOutput.ProgressWidth(redirected, isTerminal: false));
        Assert.Equal(HostOutput.RedirectedWidth, HostOutput.Silent().Profile.Width);

        var terminal = HostOutput.CreateConsole(new StringWriter(), isTerminal: true);
        terminal.Profile.Width = 77;
        Assert.Equal(77, HostOutput.ProgressWidth(terminal, isTerminal: true));
    }
}
