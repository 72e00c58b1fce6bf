using Cake.Cli;
using Cake.Core;
using Cake.Core.Diagnostics;
using Spectre.Console;

namespace Star1.Host;

/// <summary>
/// Cake's task-duration table, left out under --verbosity quiet: Cake's printer draws it at every verbosity
/// when the build host calls it, and quiet promises one line of result.
/// </summary>
internal sealed class ReportPrinterForVerbosity(IAnsiConsole console, Verbosity verbosity) : ICakeReportPrinter
{
    private readonly CakeSpectreReportPrinter inner = new(console);

    public void Write(CakeReport report)
    {
        if (verbosity > Verbosity.Quiet) inner.Write(report);
    }

    public void WriteStep(string name, Verbosity stepVerbosity) => inner.WriteStep(name, stepVerbosity);
    public void WriteLifeCycleStep(string name, Verbosity stepVerbosity) => inner.WriteLifeCycleStep(name, stepVerbosity);
    public void WriteSkippedStep(string name, Verbosity stepVerbosity) => inner.WriteSkippedStep(name, stepVerbosity);
}
