using Cake.Cli;
using Cake.Core;
using Cake.Core.Diagnostics;
using Spectre.Console;

namespace Star1.Host;

/// <summary>
/// Cake's task-duration table, left out under --verbosity quiet: Cake's printer draws it at every verbosity
/// when the build host calls it, and quiet promises one line of result. With stages side by side
/// (<paramref name="sideBySide"/>) Cake only schedules stage tasks, so its task headers would all come first and
/// its durations would be 0 s: both are left out, and each stage's block and the stage table say it instead.
/// </summary>
internal sealed class ReportPrinterForVerbosity(IAnsiConsole console, Verbosity verbosity, bool sideBySide = false) : ICakeReportPrinter
{
    private readonly CakeSpectreReportPrinter inner = new(console);

    public void Write(CakeReport report)
    {
        if (verbosity > Verbosity.Quiet && !sideBySide) inner.Write(report);
    }

    public void WriteStep(string name, Verbosity stepVerbosity)
    {
        if (!sideBySide) inner.WriteStep(name, stepVerbosity);
    }

    public void WriteLifeCycleStep(string name, Verbosity stepVerbosity) => inner.WriteLifeCycleStep(name, stepVerbosity);
    public void WriteSkippedStep(string name, Verbosity stepVerbosity) => inner.WriteSkippedStep(name, stepVerbosity);
}
