namespace Star1.Pipeline.Stages;

/// <summary>
/// One stage's lines while it runs beside others: messages are kept and written as one block when it ends
/// (<see cref="Flush"/>), so the console reads stage by stage, as `make --output-sync` does. Progress goes out
/// at once, since it is what shows a long stage is alive and each progress line names its stage. A stage that
/// talks for longer than <see cref="MaxHold"/> (an external trainer's log over hours) has what it said so far
/// written as a block of its own, so nothing is held back for long.
/// </summary>
public sealed class StageLines(IStageReporter output, Lock outputGate, Func<DateTime>? clock = null) : IStageReporter
{
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(30);

    private readonly Func<DateTime> now = clock ?? (() => DateTime.UtcNow);
    private readonly List<(bool Warning, string Text)> kept = [];
    private DateTime firstKept;

    public void Info(string message) => Keep(false, message);

    public void Warn(string message) => Keep(true, message);

    public void Progress(string stage, string step, long done, long total, string? detail = null)
    {
        lock (outputGate) output.Progress(stage, step, done, total, detail);
    }

    private void Keep(bool warning, string message)
    {
        bool due;
        lock (kept)
        {
            if (kept.Count == 0) firstKept = now();
            kept.Add((warning, message));
            due = now() - firstKept >= MaxHold;
        }
        if (due) Flush();
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
