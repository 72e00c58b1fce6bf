using System.Text.Json;
using System.Text.Json.Serialization;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Storage;

namespace Star1.Pipeline.Engine;

/// <summary>
/// What one build did, kept as artifacts/runs/latest.json and a timestamped copy: the target, the effective
/// profile and overrides, and per stage executed / up-to-date / restored / failed with the reason and time.
/// </summary>
public sealed record RunRecord(
    string Target,
    string Profile,
    IReadOnlyList<string> Overrides,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    bool Succeeded,
    string? Error,
    IReadOnlyList<RunRecord.StageLine> Stages)
{
    public sealed record StageLine(string Stage, string Status, string Reason, double Seconds, string? Fingerprint)
    {
        /// <summary>What the stage counted (requests, cache hits, tokens, cost); absent when it counted nothing.</summary>
        public IReadOnlyDictionary<string, double>? Metrics { get; init; }

        /// <summary>When the engine began and finished with the stage: stages that ran side by side overlap here.</summary>
        public DateTimeOffset? Started { get; init; }
        public DateTimeOffset? Finished { get; init; }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Files for people and tools, never embedded in HTML: keep ' + < > -> readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string StatusWord(StageResult result) => result switch
    {
        StageResult.Executed => "executed",
        StageResult.UpToDate => "up-to-date",
        StageResult.Restored => "restored",
        StageResult.Accepted => "accepted",
        _ => "failed",
    };

    public static RunRecord From(string target, StageEngine engine, DateTimeOffset started, Exception? error) => new(
        target,
        engine.Params.Profile,
        engine.Params.Overrides,
        started,
        DateTimeOffset.Now,
        error is null,
        error?.Message,
        engine.Outcomes.Select(o => new StageLine(o.Stage, StatusWord(o.Result), o.Reason, Math.Round(o.Duration.TotalSeconds, 3), o.Fingerprint)
        {
            Metrics = o.Metrics,
            Started = o.Started,
            Finished = o.Started + o.Duration,
        }).ToList());

    /// <summary>Writes latest.json and runs/&lt;timestamp&gt;.json; returns the path of the timestamped copy.</summary>
    public string Write(Workspace workspace)
    {
        Directory.CreateDirectory(workspace.RunsDir);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, Json);
        var stamped = Path.Combine(workspace.RunsDir, $"{Started:yyyyMMdd-HHmmss-fff}.json");
        AtomicFile.WriteAllBytes(stamped, bytes);
        AtomicFile.WriteAllBytes(Path.Combine(workspace.RunsDir, "latest.json"), bytes);
        return stamped;
    }
}
