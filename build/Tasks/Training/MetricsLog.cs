using System.Text.Json;
using Star1.Modeling.Training;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// metrics.jsonl written as training goes: one JSON line per optimizer step, flushed at once, so a user can
/// <c>tail -f</c> it during a long run. The finished file is what writing every line at the end would give.
/// </summary>
public sealed class MetricsLog(string path) : IDisposable
{
    private readonly StreamWriter writer = new(path, append: false);

    public int Lines { get; private set; }

    public void Append(StepMetrics step)
    {
        writer.WriteLine(JsonSerializer.Serialize(step));
        writer.Flush();
        Lines++;
    }

    public void Dispose() => writer.Dispose();
}
