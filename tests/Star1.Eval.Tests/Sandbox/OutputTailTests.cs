using System.Text;
using Star1.Eval.Sandbox;

namespace Star1.Eval.Tests.Sandbox;

public sealed class OutputTailTests
{
    [Fact]
    public async Task Only_the_last_bytes_are_kept_while_everything_is_read()
    {
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i};"));
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var tail = new OutputTail(100);

        await tail.PumpAsync(stream, CancellationToken.None);

        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal("..." + text[^100..], tail.ToString());
    }

    [Fact]
    public async Task Short_output_is_kept_whole()
    {
        var tail = new OutputTail(100);

        await tail.PumpAsync(new MemoryStream("  short \n"u8.ToArray()), CancellationToken.None);

        Assert.Equal("short", tail.ToString());
    }
}
