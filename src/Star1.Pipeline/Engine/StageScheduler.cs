using System.Runtime.ExceptionServices;
using Star1.Pipeline.Stages;

namespace Star1.Pipeline.Engine;

/// <summary>
/// Runs stages side by side: each starts as soon as the stages it reads are done, with at most
/// <c>jobs</c> running at once and at most <c>cpuJobs</c> of the CPU-heavy ones (training, in-process
/// generation, embedding), so the benign branch's requests overlap training and evaluation cells overlap each
/// other. Results do not depend on the order: a stage sees exactly its upstream outputs, as in a serial run.
/// </summary>
/// <remarks>
/// Each stage's lines are kept and printed as one block when it ends, so two stages never interleave their
/// lines; progress lines go out at once (they name their stage). After a failure no further stage starts, the
/// ones running finish (their work is kept), and <see cref="WhenAllAsync"/> throws the first failure.
/// </remarks>
public sealed class StageScheduler
{
    private readonly StageEngine engine;
    private readonly IStageReporter output;
    private readonly SemaphoreSlim slots;
    private readonly SemaphoreSlim cpuSlots;
    private readonly Lock gate = new();
    private readonly Lock outputGate = new();
    private readonly Dictionary<string, Task> scheduled = new(StringComparer.Ordinal);
    private ExceptionDispatchInfo? firstFailure;

    public StageScheduler(StageEngine engine, int jobs, int cpuJobs, IStageReporter? output = null)
    {
        if (jobs < 1) throw new ArgumentOutOfRangeException(nameof(jobs), jobs, "at least one stage must be able to run");
        this.engine = engine;
        this.output = output ?? engine.Reporter;
        Jobs = jobs;
        CpuJobs = Math.Clamp(cpuJobs < 1 ? Environment.ProcessorCount : cpuJobs, 1, jobs);
        slots = new SemaphoreSlim(Jobs);
        cpuSlots = new SemaphoreSlim(CpuJobs);
    }

    public int Jobs { get; }
    public int CpuJobs { get; }

    /// <summary>
    /// Schedules a stage (once: a second call returns the same task) and returns at once. Its upstream stages
    /// must be scheduled before it to be waited for; one that is not (left out by --exclusive) is taken as it
    /// is on disk, as the engine would in a serial run.
    /// </summary>
    public Task RunAsync(string stage, bool force)
    {
        lock (gate)
        {
            if (scheduled.TryGetValue(stage, out var known)) return known;
            var definition = engine.Stages.FirstOrDefault(s => s.Name == stage)
                ?? throw new ArgumentException($"no stage named {stage} is registered", nameof(stage));
            var upstream = definition.Upstream.Where(scheduled.ContainsKey).Select(u => scheduled[u]).ToArray();
            var task = Task.Run(() => RunWhenReadyAsync(definition, force, upstream));
            scheduled[stage] = task;
            return task;
        }
    }

    /// <summary>Waits for every stage scheduled so far; throws the first failure, if any.</summary>
    public async Task WhenAllAsync()
    {
        Task[] all;
        lock (gate) all = [.. scheduled.Values];
        try
        {
            await Task.WhenAll(all);
        }
        catch
        {
            // The first real failure is what the build reports; stages that never started only followed it.
        }
        lock (gate) firstFailure?.Throw();
    }

    /// <summary>Whether a stage failed: nothing further starts.</summary>
    private bool Stopping
    {
        get { lock (gate) return firstFailure is not null; }
    }

    private async Task RunWhenReadyAsync(StageDefinition stage, bool force, Task[] upstream)
    {
        try
        {
            await Task.WhenAll(upstream);
        }
        catch
        {
            throw new StageNotStartedException(stage.Name);
        }
        // CPU first, then a general slot: a heavy stage waiting for the CPU holds no slot a light one could use.
        var heavy = stage.CpuHeavy;
        if (heavy) await cpuSlots.WaitAsync();
        try
        {
            await slots.WaitAsync();
            try
            {
                if (Stopping) throw new StageNotStartedException(stage.Name);
                await RunNowAsync(stage.Name, force);
            }
            finally
            {
                slots.Release();
            }
        }
        finally
        {
            if (heavy) cpuSlots.Release();
        }
    }

    private async Task RunNowAsync(string stage, bool force)
    {
        var lines = new StageLines(output, outputGate);
        try
        {
            var outcome = await engine.RunAsync(stage, force, say: lines);
            lines.Info(outcome.Line);
        }
        catch (Exception e)
        {
            lock (gate) firstFailure ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }
        finally
        {
            lines.Flush();
        }
    }

    /// <summary>A stage that did not start because one before it failed.</summary>
    private sealed class StageNotStartedException(string stage) : Exception($"{stage} did not start: a stage before it failed");
}
