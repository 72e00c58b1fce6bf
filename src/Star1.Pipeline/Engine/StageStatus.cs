namespace Star1.Pipeline.Engine;

public enum Freshness { Fresh, Stale, NeverRun, Waiting }

/// <summary>What the engine knows about a stage without running anything.</summary>
/// <param name="Reasons">Why it is not fresh: which key, prompt, upstream output or output changed.</param>
/// <param name="Restorable">True when the run-cache holds outputs for the current fingerprint.</param>
public sealed record StageStatus(string Stage, Freshness State, IReadOnlyList<string> Reasons, string? Fingerprint, bool Restorable)
{
    /// <summary>Set when the stage has to execute and would stop before any work, with why (files missing).</summary>
    public string? WouldStop { get; init; }

    /// <summary>Set when the stage would execute and can say what that costs (requests, tokens, money).</summary>
    public string? Estimate { get; init; }

    /// <summary>
    /// The remote cache holds a run for the current fingerprint (asked by Status and --dryrun only when the local
    /// run-cache does not): the build would pull it rather than execute.
    /// </summary>
    public bool InRemote { get; init; }

    /// <summary>Where a stage that is not fresh would be restored from, as the tables say it; "" when it would execute.</summary>
    public string RestoreNote => Restorable ? " (restorable from run-cache)" : InRemote ? " (restorable from remote cache)" : "";

    public string Describe() => State switch
    {
        Freshness.Fresh => "fresh",
        Freshness.NeverRun => Restorable || InRemote ? $"never run here{RestoreNote}" : "never run",
        Freshness.Waiting => $"waits on upstream: {string.Join("; ", Reasons)}",
        _ => $"stale: {string.Join("; ", Reasons)}{RestoreNote}",
    };
}

public enum StageResult { Executed, UpToDate, Restored, Failed, Accepted }

/// <summary>What happened to a stage in this build, for the run record and the end-of-build table.</summary>
public sealed record StageOutcome(string Stage, StageResult Result, string Reason, TimeSpan Duration, string? Fingerprint)
{
    /// <summary>What the stage counted while it ran (requests, cache hits, tokens, cost), failed runs included.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The line the console gets when the stage is done: "Train: executed (never run)".</summary>
    public string Line => $"{Stage}: {RunRecord.StatusWord(Result)} ({Reason})";

    /// <summary>When the engine began with the stage (set when the outcome is recorded): with the duration, its span in the run.</summary>
    public DateTimeOffset Started { get; init; }
}
