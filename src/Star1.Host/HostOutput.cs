using Cake.Core.Diagnostics;
using Spectre.Console;
using Star1.Pipeline.Stages;

namespace Star1.Host;

/// <summary>
/// How the host's output is set up for the place it goes: colours and cut-to-width progress on a terminal,
/// plain text with no escape codes when redirected to a file or a pipe, and how much --verbosity lets through.
/// </summary>
public static class HostOutput
{
    /// <summary>Whether standard output is a terminal rather than a file or a pipe.</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected;

    /// <summary>
    /// The console everything is printed through. Spectre's own detection looks at TERM, not at where the
    /// output goes, so a log file of a build started from an xterm would fill with escape codes; redirected
    /// output is therefore told plainly: no ANSI, no colours.
    /// </summary>
    public static IAnsiConsole CreateConsole(TextWriter output, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        // A file or a pipe has no width: Spectre would assume 80 columns and fold long error lines in two.
        if (!isTerminal) console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>The width redirected output is laid out for: wide enough that no message is folded.</summary>
    public const int RedirectedWidth = 1000;

    /// <summary>A console that prints nothing: what tasks get under --verbosity quiet.</summary>
    public static IAnsiConsole Silent() => CreateConsole(TextWriter.Null, isTerminal: false);

    /// <summary>quiet and minimal say no more than warnings; normal and above also say what runs and how far it got.</summary>
    public static ReportLevel ReportLevelOf(Verbosity verbosity) => verbosity switch
    {
        Verbosity.Quiet => ReportLevel.Quiet,
        Verbosity.Minimal => ReportLevel.Minimal,
        _ => ReportLevel.Normal,
    };

    /// <summary>The width progress lines must fit on a terminal; none when redirected, where lines stay whole.</summary>
    public static int? ProgressWidth(IAnsiConsole console, bool isTerminal) => isTerminal ? console.Profile.Width : null;

    /// <summary>The stage reporter for this console and verbosity.</summary>
    public static TextStageReporter CreateReporter(IAnsiConsole console, Verbosity verbosity, bool isTerminal) =>
        new(new AnsiTextWriter(console), ReportLevelOf(verbosity), lineWidth: ProgressWidth(console, isTerminal));
}
