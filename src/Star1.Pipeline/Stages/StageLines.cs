namespace Star1.Pipeline.Stages;

/// <summary>
/// One stage's lines while it runs beside others: messages are kept and written as one block when it ends
/// (<see cref="Flush"/>), so the console reads stage by stage, as `make --output-sync` does. Progress goes out
/// at once, since it is what shows a long stage is alive and each progress line names its stage.
/// </summary>
public sealed class StageLines(IStageReporter output, Lock outputGate) : IStageReporter
{
    private readonly List<(bool Warning, string Text)> kept = [];

    public void Info(string message)
    {
        lock (kept) kept.Add((false, message));
    }

    public void Warn(string message)
    {
        lock (kept) kept.Add((true, message));
    }

    public void Progress(string stage, string step, long done, long total, string? detail = null)
    {
        lock (outputGate) output.Progress(stage, step, done, total, detail);
    }

    /// <summary>Writes the kept lines in one piece and forgets them.</summary>
    public void Flush()
    {
        List<(bool Warning, string Text)> lines;
        lock (kept)
        {
            lines = [.. kept];
            kept.Clear();
        }
        lock (outputGate)
            foreach (var (warning, text) in lines)
                if (warning) output.Warn(text);
                else output.Info(text);
    }
}
