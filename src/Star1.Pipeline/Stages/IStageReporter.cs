namespace Star1.Pipeline.Stages;

/// <summary>Where the engine and stages say what they are doing; the host renders it.</summary>
public interface IStageReporter
{
    void Info(string message);
    void Warn(string message);

    /// <summary>Progress of one step of a stage; the reporter works out rate and ETA.</summary>
    void Progress(string stage, string step, long done, long total);
}

/// <summary>Plain line-per-message reporter, for tests and redirected output.</summary>
public sealed class TextStageReporter(TextWriter writer) : IStageReporter
{
    private readonly Dictionary<string, (DateTime Start, long LastDone)> steps = [];

    public void Info(string message) => writer.WriteLine(message);
    public void Warn(string message) => writer.WriteLine($"warning: {message}");

    public void Progress(string stage, string step, long done, long total)
    {
        var key = $"{stage}/{step}";
        var now = DateTime.UtcNow;
        if (!steps.TryGetValue(key, out var state)) state = (now, -1);
        if (done == state.LastDone) return;
        // One line per 10% keeps logs readable on a 500k-item step; the last one always shows.
        long Decile(long d) => total <= 0 ? 10 : d * 10 / total;
        if (done != total && state.LastDone >= 0 && Decile(done) == Decile(state.LastDone)) return;
        steps[key] = (state.Start, done);
        var percent = total <= 0 ? 100 : done * 100 / total;
        var elapsed = now - state.Start;
        var eta = done > 0 && done < total ? TimeSpan.FromTicks(elapsed.Ticks * (total - done) / done) : TimeSpan.Zero;
        writer.WriteLine($"{stage} | {step}: {done}/{total} ({percent}%){(done < total && done > 0 ? $", ETA {eta:hh\\:mm\\:ss}" : "")}");
    }
}
