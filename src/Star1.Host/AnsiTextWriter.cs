using System.Text;
using Spectre.Console;

namespace Star1.Host;

/// <summary>Lets line-based reporters write through Spectre's console, so one console carries all output.</summary>
internal sealed class AnsiTextWriter(IAnsiConsole console) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;
    public override void Write(char value) => console.Write(value.ToString());
    public override void WriteLine(string? value) => console.WriteLine(value ?? "");
}
