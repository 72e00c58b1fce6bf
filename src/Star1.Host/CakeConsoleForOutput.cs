using Cake.Core;

namespace Star1.Host;

/// <summary>
/// Cake's console, minus escape codes when standard output is redirected. Cake decides on ANSI from TERM and
/// the CI environment alone, so its log and dry-run lines came out as "\e[37;1m..." in a log file. Without
/// ANSI it sets Console colours instead, which .NET leaves out of redirected output.
/// </summary>
internal sealed class CakeConsoleForOutput(IConsole inner, bool isTerminal) : IConsole
{
    public ConsoleColor ForegroundColor { get => inner.ForegroundColor; set => inner.ForegroundColor = value; }
    public ConsoleColor BackgroundColor { get => inner.BackgroundColor; set => inner.BackgroundColor = value; }
    public bool SupportAnsiEscapeCodes => isTerminal && inner.SupportAnsiEscapeCodes;
    public void Write(string format, params object[] arg) => inner.Write(format, arg);
    public void Write(string value) => inner.Write(value);
    public void WriteLine(string format, params object[] arg) => inner.WriteLine(format, arg);
    public void WriteLine(string value) => inner.WriteLine(value);
    public void WriteError(string format, params object[] arg) => inner.WriteError(format, arg);
    public void WriteError(string value) => inner.WriteError(value);
    public void WriteErrorLine(string format, params object[] arg) => inner.WriteErrorLine(format, arg);
    public void WriteErrorLine(string value) => inner.WriteErrorLine(value);
    public void ResetColor() => inner.ResetColor();
}
