using System.Text;
using Spectre.Console;

namespace Star1.Host;

/// <summary>
/// Lets line-based reporters write to the Spectre console's output, so one console carries all output.
/// Lines go to its writer as they are: rendered as Spectre text they would be folded at the console's width,
/// which is 80 columns in a redirected log, splitting paths and messages over several lines.
/// </summary>
internal sealed class AnsiTextWriter(IAnsiConsole console) : TextWriter
{
    public override Encoding Encoding => console.Profile.Out.Writer.Encoding;
    public override void Write(char value) => console.Profile.Out.Writer.Write(value);
    public override void WriteLine(string? value) => console.Profile.Out.Writer.WriteLine(value ?? "");
}
