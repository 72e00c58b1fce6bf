namespace Star1.Pipeline.Stages;

/// <summary>Where the engine and stages say what they are doing; the host renders it.</summary>
public interface IStageReporter
{
    void Info(string message);
    void Warn(string message);

    /// <summary>
    /// Progress of one step of a stage; the reporter works out rate and ETA. <paramref name="detail"/> is shown
    /// after the counts (tokens and cost so far, say); the step's name must stay the same from call to call.
    /// </summary>
    void Progress(string stage, string step, long done, long total, string? detail = null);
}

/// <summary>How much a reporter says: the host maps --verbosity onto these.</summary>
public enum ReportLevel
{
    /// <summary>Warnings only; the host adds the one-line result and any error.</summary>
    Quiet,
    /// <summary>Warnings only; the host adds its tables and any error.</summary>
    Minimal,
    /// <summary>Warnings, what runs and why, and progress of steps that take a while.</summary>
    Normal,
}

/// <summary>
/// Plain line-per-message reporter, for terminals, redirected output and tests. Never writes escape codes.
/// Safe to call from stages running side by side: a line is written whole.
/// </summary>
public sealed class TextStageReporter : IStageReporter
{
    /// <summary>A step that finishes sooner than this prints no progress at all: 0% then 100% is noise.</summary>
    public static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);

    private readonly TextWriter writer;
    private readonly ReportLevel level;
    private readonly Func<DateTime> clock;
    private readonly int? lineWidth;
    private readonly Dictionary<string, (DateTime Start, long LastShown)> steps = [];

    public TextStageReporter(TextWriter writer) : this(writer, ReportLevel.Normal) { }

    /// <param name="writer">Where the lines go.</param>
    /// <param name="level">What to say; below <see cref="ReportLevel.Normal"/> only warnings.</param>
    /// <param name="clock">The time now (UTC); tests pass their own to step past <see cref="ProgressDelay"/>.</param>
    /// <param name="lineWidth">On a terminal its width: longer progress lines are cut to fit, so none wraps
    /// into a second line. Null (redirected output) keeps lines whole.</param>
    public TextStageReporter(TextWriter writer, ReportLevel level, Func<DateTime>? clock = null, int? lineWidth = null)
    {
        this.writer = writer;
        this.level = level;
        this.clock = clock ?? (() => DateTime.UtcNow);
        this.lineWidth = lineWidth is > 0 ? lineWidth : null;
    }

    private readonly Lock gate = new();

    public void Info(string message)
    {
        if (level < ReportLevel.Normal) return;
        lock (gate) writer.WriteLine(message);
    }

    public void Warn(string message)
    {
        lock (gate) writer.WriteLine($"warning: {message}");
    }

    public void Progress(string stage, string step, long done, long total, string? detail = null)
    {
        if (level < ReportLevel.Normal) return;
        lock (gate) WriteProgress(stage, step, done, total, detail);
    }

    private void WriteProgress(string stage, string step, long done, long total, string? detail)
    {
        var key = $"{stage}/{step}";
        var now = clock();
        if (!steps.TryGetValue(key, out var state)) state = (now, -1);
        var finished = done >= total;
        // Forget a finished step, so the same step run again later in this process starts its own clock.
        if (finished) steps.Remove(key);
        else steps[key] = state;

        var elapsed = now - state.Start;
        if (elapsed < ProgressDelay || done == state.LastShown) return;
        // One line per 10% keeps logs readable on a 500k-item step; the last one always shows.
        long Decile(long d) => total <= 0 ? 10 : d * 10 / total;
        if (!finished && state.LastShown >= 0 && Decile(done) == Decile(state.LastShown)) return;
        if (!finished) steps[key] = (state.Start, done);

        var percent = total <= 0 ? 100 : done * 100 / total;
        var eta = done > 0 && !finished ? TimeSpan.FromTicks(elapsed.Ticks * (total - done) / done) : TimeSpan.Zero;
        var extra = detail is null ? "" : $", {detail}";
        writer.WriteLine(Fit($"{stage} | {step}", $": {done}/{total} ({percent}%){(!finished && done > 0 ? $", ETA {eta:hh\\:mm\\:ss}" : "")}{extra}"));
    }

    /// <summary>
    /// Cuts a line to the terminal's width, so it never wraps onto a second line. The step's name is what gets
    /// shortened (marked "..."): the counts, percentage and ETA are what the line is for. One column is left
    /// free because some terminals wrap as soon as the last column is written.
    /// </summary>
    private string Fit(string name, string counts)
    {
        const string cut = "...";
        if (lineWidth is not { } width || name.Length + counts.Length < width) return name + counts;
        var room = width - 1 - counts.Length - cut.Length;
        if (room > 0) return name[..room] + cut + counts;
        var line = name + counts;
        return line[..Math.Max(width - 1 - cut.Length, 0)] + cut;
    }
}
