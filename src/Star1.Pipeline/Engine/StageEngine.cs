using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Star1.Pipeline.Code;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Storage;

namespace Star1.Pipeline.Engine;

/// <summary>
/// Decides, for each stage, whether to skip it (fresh), restore it (run-cache hit) or execute it, and
/// records the result. The caller (the Cake host, <see cref="StageScheduler"/>, or a test) runs stages in
/// dependency order; the engine never orders anything itself. Several stages may run at once: what they share
/// (the lock file, the hash index, the run-cache entries, the outcome list) is only touched under one gate,
/// and the work itself runs outside it.
/// </summary>
public sealed partial class StageEngine
{
    /// <summary>
    /// Enters every fingerprint: bump it when the engine changes what a stage is given or how inputs are
    /// recorded, so that no entry made under the old rules is taken for a fresh one.
    /// </summary>
    public const string FormatVersion = "star1-fingerprint-2";

    /// <summary>How many upstream reasons Status and --dryrun list for one stage before counting the rest.</summary>
    internal const int MaxUpstreamReasons = 4;

    private readonly Workspace workspace;
    private readonly EffectiveParams parameters;
    private readonly IStageReporter reporter;
    private readonly Dictionary<string, StageDefinition> stages = new(StringComparer.Ordinal);
    private readonly List<StageOutcome> outcomes = [];
    private readonly LockFile lockFile;
    private readonly RunCache runCache;
    private readonly CodeHasher code;
    private readonly Dictionary<string, CodeIdentity> codeOfStage = new(StringComparer.Ordinal);
    private readonly RemoteCache? remote;

    /// <summary>Held while judging, restoring, committing and recording a stage; never while it works.</summary>
    private readonly Lock gate = new();

    public HashIndex Hashes { get; }
    internal LockFile Lock => lockFile;
    internal RunCache Cache => runCache;
    public IReadOnlyList<StageOutcome> Outcomes
    {
        get { lock (gate) return [.. outcomes]; }
    }
    public EffectiveParams Params => parameters;
    public Workspace Workspace => workspace;
    public IStageReporter Reporter => reporter;

    /// <param name="remote">A run-cache shared over HTTP, asked before a stage executes and sent what it produced; null for none.</param>
    public StageEngine(Workspace workspace, EffectiveParams parameters, IStageReporter reporter, RemoteCache? remote = null)
    {
        this.remote = remote;
        this.workspace = workspace;
        this.parameters = parameters;
        this.reporter = reporter;
        // Read once the caller holds the build lock (the host takes it before building the engine), so a
        // build that waited judges with what the build before it left on disk.
        lockFile = LockFile.Load(workspace.LockPath);
        runCache = new RunCache(workspace.CacheDir);
        Hashes = HashIndex.Load(Path.Combine(workspace.StateDir, "hashes.json"));
        code = new CodeHasher(Hashes.HashOf, Path.Combine(workspace.StateDir, "code.json"));
    }

    /// <summary>Adds a stage after checking its declarations against params.yaml, the prompts and the other stages.</summary>
    public void Add(StageDefinition stage)
    {
        var problems = new List<string>();
        foreach (var key in stage.KeysFor(parameters).Concat(stage.Settings))
            if (parameters.Find(key) is null) problems.Add($"it reads params key '{key}', which params.yaml does not have");
        foreach (var read in stage.UpstreamOutputs ?? [])
        {
            var slash = read.IndexOf('/');
            var (up, output) = slash > 0 ? (read[..slash], read[(slash + 1)..]) : (read, "");
            if (!stage.Upstream.Contains(up)) problems.Add($"it reads '{read}', but {up} is not among its upstream stages");
            else if (stages.TryGetValue(up, out var upstream) && !upstream.Outputs.Any(o => OutputNames.Covers(o, output))) problems.Add($"it reads '{read}', which {up} does not write");
        }
        foreach (var output in stage.Outputs)
        {
            if (!OutputNames.IsWellFormed(output)) problems.Add($"its output '{output}' is not a relative path inside its folder");
            else if (stage.Outputs.FirstOrDefault(o => o != output && OutputNames.Covers(o, output)) is { } folder)
                problems.Add($"its output '{output}' lies inside its folder output '{folder}'");
        }
        foreach (var up in stage.Upstream)
            if (!stages.ContainsKey(up)) problems.Add($"its upstream stage '{up}' is not registered before it");
        if (stage.Outputs.Count == 0) problems.Add("it declares no outputs");
        if (problems.Count > 0) throw new ParamsException($"stage {stage.Name}: {string.Join("; ", problems)}");
        stages.Add(stage.Name, stage);
    }

    public IReadOnlyCollection<StageDefinition> Stages => stages.Values;

    /// <summary>
    /// Freshness of a stage now, without running or writing anything. A stage whose upstream is not fresh
    /// is reported stale too (that upstream will re-run first), which is what Status and --dryrun show.
    /// </summary>
    public StageStatus Inspect(string name)
    {
        var own = InspectOwn(name);
        if (own.State is Freshness.Waiting) return own;
        var upstreamReasons = stages[name].Upstream
            .Select(Inspect)
            .Where(s => s.State != Freshness.Fresh)
            .Select(s => $"upstream {s.Stage} is {(s.State == Freshness.Stale ? "stale" : "not built")}")
            .ToList();
        upstreamReasons = Capped(upstreamReasons, "more upstream stages are not fresh");
        if (upstreamReasons.Count == 0 || own.State == Freshness.NeverRun) return own;
        var reasons = own.State == Freshness.Fresh ? upstreamReasons : [.. own.Reasons, .. upstreamReasons];
        return own with { State = Freshness.Stale, Reasons = reasons };
    }

    /// <summary>
    /// <see cref="Inspect"/>, plus the stage's own estimate of what executing it would cost when it would
    /// execute (not fresh, not restorable): what Status and --dryrun print.
    /// </summary>
    public StageStatus InspectWithEstimate(string name)
    {
        var status = Inspect(name);
        if (status.State is Freshness.Fresh or Freshness.Waiting || status.Restorable) return status;
        // A run the remote cache holds is pulled, not executed: no cost, and no preflight stops it. Blocking is
        // fine here: Status and --dryrun print one table and the HTTP client has its own timeout.
        if (remote is not null && remote.HasRunAsync(status.Fingerprint!, CancellationToken.None).GetAwaiter().GetResult())
            return status with { InRemote = true, WouldStop = null };
        var stage = stages[name];
        var context = new StageEstimateContext(parameters, workspace.RepoRoot, workspace.OutputPath, cache => workspace.StageCacheDir(name, cache), code.HashOf);
        return status with { Estimate = stage.Estimate(context) };
    }

    /// <summary>
    /// At most <see cref="MaxUpstreamReasons"/> reasons about upstream stages: a stage after a matrix (a table over
    /// every evaluation cell) would list dozens, so a few are named and the rest counted.
    /// </summary>
    private static List<string> Capped(List<string> reasons, string rest) =>
        reasons.Count <= MaxUpstreamReasons ? reasons : [.. reasons.Take(MaxUpstreamReasons - 1), $"and {reasons.Count - (MaxUpstreamReasons - 1)} {rest}"];

    /// <summary>Freshness judged on the stage's own inputs as they are on disk now.</summary>
    private StageStatus InspectOwn(string name) => Evaluate(name).Status;

    /// <summary>The stage's own freshness and the inputs it was judged on (null while it waits on upstream).</summary>
    private (StageStatus Status, StageInputs? Inputs) Evaluate(string name)
    {
        var stage = stages[name];
        var (inputs, waiting) = CurrentInputs(stage);
        if (waiting.Count > 0) return (new StageStatus(name, Freshness.Waiting, Capped(waiting, "more upstream outputs are not there yet"), null, false), null);
        var fingerprint = Fingerprint(stage, inputs!);
        var restorable = runCache.Has(fingerprint);
        var entry = lockFile.Get(name);
        if (entry is null)
            return (new StageStatus(name, Freshness.NeverRun, ["never run"], fingerprint, restorable) { WouldStop = Blocker(stage, Freshness.NeverRun, restorable) }, inputs);
        if (entry.Fingerprint != fingerprint)
            return (new StageStatus(name, Freshness.Stale, InputChanges(entry.Inputs, inputs!), fingerprint, restorable) { WouldStop = Blocker(stage, Freshness.Stale, restorable) }, inputs);
        var outputProblems = OutputProblems(stage, entry);
        var state = outputProblems.Count == 0 ? Freshness.Fresh : Freshness.Stale;
        return (new StageStatus(name, state, outputProblems, fingerprint, restorable) { WouldStop = Blocker(stage, state, restorable) }, inputs);
    }

    /// <summary>Why a stage that has to execute would stop before any work (its preflight check), for Status and --dryrun.</summary>
    private string? Blocker(StageDefinition stage, Freshness state, bool restorable) =>
        state == Freshness.Fresh || restorable ? null : MissingPrompts(stage) ?? stage.Preflight(parameters, workspace.RepoRoot);

    /// <summary>
    /// Prompt files a stage declares that are not there: it cannot run (a build of other stages can). Checked when
    /// it would execute rather than when it is registered, so a checkout missing one stage's prompts still runs the rest.
    /// </summary>
    private string? MissingPrompts(StageDefinition stage)
    {
        var missing = stage.Prompts.Where(p => !File.Exists(workspace.Resolve(p))).ToList();
        return missing.Count == 0 ? null : $"stage {stage.Name} reads prompt file(s) that do not exist: {string.Join(", ", missing)}";
    }

    /// <summary>
    /// Brings one stage up to date: skip, restore or execute. Upstream stages must already be up to date.
    /// <paramref name="say"/> is where this stage's lines go (a stage running beside others has its own, so its
    /// lines stay together); by default the engine's reporter.
    /// </summary>
    public async Task<StageOutcome> RunAsync(string name, bool force, CancellationToken ct = default, IStageReporter? say = null)
    {
        say ??= reporter;
        var stage = stages[name];
        var clock = Stopwatch.StartNew();
        StageStatus status;
        StageInputs? inputs;
        lock (gate) (status, inputs) = Evaluate(name);
        if (status.State == Freshness.Waiting)
            return Record(new StageOutcome(name, StageResult.Failed, status.Describe(), clock.Elapsed, null),
                throwWith: $"stage {name} cannot run: {status.Describe()} (run its upstream stages first, e.g. without --exclusive)");

        var fingerprint = status.Fingerprint!;
        if (!force && status.State == Freshness.Fresh)
            return Record(new StageOutcome(name, StageResult.UpToDate, "inputs and outputs unchanged", clock.Elapsed, fingerprint));

        var why = force ? "forced" : string.Join("; ", status.Reasons);
        var pulled = force || status.Restorable ? null : await PullFromRemoteAsync(stage, fingerprint, ct);
        if (!force && (status.Restorable || pulled is not null))
        {
            string? problem;
            lock (gate) problem = TryRestore(stage, fingerprint, inputs!);
            if (problem is null)
                return Record(Restored(name, why, clock.Elapsed, fingerprint, pulled));
            say.Warn($"{name}: {problem}; running the stage instead");
            why += $"; {problem}";
        }

        // Checked before any work, and its message shown once: the table gets its first line only.
        if ((MissingPrompts(stage) ?? stage.Preflight(parameters, workspace.RepoRoot)) is { } stop)
            return Record(new StageOutcome(name, StageResult.Failed, stop.Split('\n')[0], clock.Elapsed, fingerprint), throwWith: stop);

        say.Info($"{name}: running ({why})");
        var staging = Path.Combine(workspace.StateDir, "staging", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        var context = new StageContext(stage, parameters, workspace, staging, say, Hashes, code);
        try
        {
            await stage.Execute(context, ct);
            lock (gate)
            {
                // Inputs are taken again after the work: a stage may have fetched a data file it reads
                // (a download into the mirror), and the lock must describe what was actually read.
                var inputsAfter = CurrentInputs(stage).Inputs!;
                fingerprint = Fingerprint(stage, inputsAfter);
                RecordCacheUse(stage, fingerprint, context.CacheUse);
                Commit(stage, fingerprint, inputsAfter, staging, say);
            }
            // Outside the gate: the network must not hold up the other stages' bookkeeping.
            var pushed = await PushToRemoteAsync(stage, fingerprint, ct);
            return Record(new StageOutcome(name, StageResult.Executed, why, clock.Elapsed, fingerprint) { Metrics = WithRemoteBytes(context.MetricsOrNull(), "remote_pushed_bytes", pushed > 0 ? pushed : null) });
        }
        catch (Exception e)
        {
            // A failed stage may still have spent money (requests answered before it stopped): keep its counts.
            Record(new StageOutcome(name, StageResult.Failed, e.Message, clock.Elapsed, fingerprint) { Metrics = context.MetricsOrNull() });
            throw;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            lock (gate) Hashes.Save();
        }
    }

    /// <summary>
    /// Marks a stale stage fresh without running it, as `dvc commit` does: for a change its user knows does
    /// not alter the results (a refactoring, a comment in a prompt). The lock records the current inputs and
    /// the outputs on disk, and says what was accepted. The run-cache is not touched: it only ever holds
    /// what a stage really produced.
    /// </summary>
    public StageOutcome Accept(string name)
    {
        var clock = Stopwatch.StartNew();
        var stage = stages[name];
        var (status, inputs) = Evaluate(name);
        switch (status.State)
        {
            case Freshness.Fresh:
                return Record(new StageOutcome(name, StageResult.UpToDate, "already fresh, nothing to accept", clock.Elapsed, status.Fingerprint));
            case Freshness.Waiting:
                return Record(new StageOutcome(name, StageResult.Failed, status.Describe(), clock.Elapsed, null),
                    throwWith: $"stage {name} cannot be accepted: {status.Describe()}");
            case Freshness.NeverRun:
                return Record(new StageOutcome(name, StageResult.Failed, "never run", clock.Elapsed, status.Fingerprint),
                    throwWith: $"stage {name} has never run here: there are no results to accept (run it instead)");
        }
        var outputs = new SortedDictionary<string, OutputRecord>(StringComparer.Ordinal);
        foreach (var output in stage.Outputs)
        {
            var files = OutputNames.FilesOnDisk(workspace.StageDir(name), output);
            if (files.Count == 0)
                return Record(new StageOutcome(name, StageResult.Failed, $"output {output} is missing", clock.Elapsed, status.Fingerprint),
                    throwWith: $"stage {name} cannot be accepted: its output {output} is missing (run it instead)");
            foreach (var file in files)
            {
                var path = workspace.OutputPath(name, file);
                outputs[file] = new OutputRecord(Hashes.HashOf(path)!, new FileInfo(path).Length);
            }
        }
        var accepted = string.Join("; ", status.Reasons);
        lockFile.Set(name, new LockEntry(status.Fingerprint!, inputs!, outputs, DateTimeOffset.UtcNow) { Accepted = accepted });
        reporter.Warn($"{name}: marked fresh without running; accepted: {accepted}");
        return Record(new StageOutcome(name, StageResult.Accepted, $"accepted: {accepted}", clock.Elapsed, status.Fingerprint));
    }

    /// <summary>
    /// Removes what a killed build left: staging folders, and the temporary files of atomic writes anywhere
    /// under the artifacts folder (lock, run records, run-cache objects, inner caches). Only called under the
    /// build lock, when no other build can be writing them. A cache folder outside the artifacts folder is not
    /// covered by that lock (other checkouts may share it): there only temporary files older than an hour go.
    /// </summary>
    public void CleanLeftovers()
    {
        CleanSharedCacheLeftovers();
        var staging = Path.Combine(workspace.StateDir, "staging");
        if (Directory.Exists(staging))
            foreach (var dir in Directory.GetDirectories(staging))
            {
                reporter.Info($"removing leftovers of an interrupted build: {Path.GetRelativePath(workspace.ArtifactsDir, dir)}");
                Directory.Delete(dir, recursive: true);
            }
        if (!Directory.Exists(workspace.ArtifactsDir)) return;
        var temps = Directory.EnumerateFiles(workspace.ArtifactsDir, ".*.tmp", SearchOption.AllDirectories)
            .Where(f => TempFileName().IsMatch(Path.GetFileName(f))).ToList();
        foreach (var temp in temps) File.Delete(temp);
        if (temps.Count > 0) reporter.Info($"removed {temps.Count} temporary file(s) left by an interrupted build");
    }

    /// <summary>What <see cref="AtomicFile.TempPathFor"/> names a temporary file: .name.&lt;32 hex&gt;.tmp.</summary>
    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TempFileName();

    /// <summary>Keeps, next to the stage's inner caches, which entries this run used: Gc keeps those of the runs it keeps.</summary>
    private void RecordCacheUse(StageDefinition stage, string fingerprint, Dictionary<string, SortedSet<string>> use)
    {
        if (stage.Caches.Count == 0) return;
        var path = Path.Combine(workspace.CacheUseDir(stage.Name), fingerprint + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var complete = stage.Caches.ToDictionary(c => c.Name, c => use.GetValueOrDefault(c.Name) ?? [], StringComparer.Ordinal);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(complete));
    }

    /// <summary>
    /// Moves staged outputs into place, then records them in the lock and the run-cache: one record per file, a
    /// folder output's files each under their own name. A folder output needs at least one file.
    /// </summary>
    private void Commit(StageDefinition stage, string fingerprint, StageInputs inputs, string staging, IStageReporter say)
    {
        var written = stage.Outputs.ToDictionary(o => o, o => OutputNames.FilesOnDisk(staging, o), StringComparer.Ordinal);
        var missing = written.Where(s => s.Value.Count == 0).Select(s => OutputNames.IsFolder(s.Key) ? $"{s.Key} (no file in the folder)" : s.Key).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"stage {stage.Name} finished without writing {string.Join(", ", missing)}");

        // Forget the old entry first: if we die between renames, the stage reads as never run, not fresh.
        lockFile.Remove(stage.Name);
        var committed = new Dictionary<string, (string Path, OutputRecord Record)>(StringComparer.Ordinal);
        foreach (var output in written.Values.SelectMany(files => files))
        {
            var staged = Path.Combine(staging, output);
            var hash = ContentHash.OfFile(staged);
            var final = workspace.OutputPath(stage.Name, output);
            AtomicFile.Commit(staged, final);
            Hashes.Record(final, hash);
            committed[output] = (final, new OutputRecord(hash, new FileInfo(final).Length));
        }
        RemoveUnrecordedFiles(stage, committed.Keys);
        if (runCache.Store(stage.Name, fingerprint, committed) is { } conflict) say.Warn($"{stage.Name}: {conflict}");
        lockFile.Set(stage.Name, new LockEntry(fingerprint, inputs,
            new(committed.ToDictionary(c => c.Key, c => c.Value.Record), StringComparer.Ordinal), DateTimeOffset.UtcNow));
    }

    private string? TryRestore(StageDefinition stage, string fingerprint, StageInputs inputs)
    {
        var (files, problem) = runCache.Fetch(fingerprint, output => workspace.OutputPath(stage.Name, output));
        if (files is null) return problem;
        if (!stage.Outputs.All(o => files.Keys.Any(f => OutputNames.Covers(o, f))))
        {
            foreach (var (temp, _) in files.Values) File.Delete(temp);
            return "run-cache entry lacks some declared outputs";
        }
        lockFile.Remove(stage.Name);
        foreach (var (output, (temp, record)) in files)
        {
            var final = workspace.OutputPath(stage.Name, output);
            AtomicFile.Commit(temp, final);
            Hashes.Record(final, record.Hash);
        }
        RemoveUnrecordedFiles(stage, files.Keys);
        lockFile.Set(stage.Name, new LockEntry(fingerprint, inputs,
            new(files.ToDictionary(f => f.Key, f => f.Value.Record), StringComparer.Ordinal), DateTimeOffset.UtcNow));
        Hashes.Save();
        return null;
    }

    /// <summary>
    /// A stage's folder holds exactly the output files just recorded, so nothing stale lingers next to fresh ones:
    /// a shard of an earlier, larger checkpoint goes as surely as an undeclared file. Folders left empty go too.
    /// </summary>
    private void RemoveUnrecordedFiles(StageDefinition stage, IEnumerable<string> recorded)
    {
        var dir = workspace.StageDir(stage.Name);
        if (!Directory.Exists(dir)) return;
        var keep = recorded.Select(o => Path.GetFullPath(workspace.OutputPath(stage.Name, o))).ToHashSet();
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            if (!keep.Contains(Path.GetFullPath(file))) File.Delete(file);
        foreach (var folder in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
            if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }

    /// <summary>Keeps the outcome (its start worked out from its duration, for the run record) and throws when told to.</summary>
    private StageOutcome Record(StageOutcome outcome, string? throwWith = null)
    {
        outcome = outcome with { Started = DateTimeOffset.Now - outcome.Duration };
        lock (gate) outcomes.Add(outcome);
        if (throwWith is not null) throw new InvalidOperationException(throwWith);
        return outcome;
    }

    /// <summary>The stage's inputs as they are now; upstream stages without outputs are listed as waiting.</summary>
    private (StageInputs? Inputs, List<string> Waiting) CurrentInputs(StageDefinition stage)
    {
        var waiting = new List<string>();
        var upstream = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var up in stage.Upstream)
        {
            var entry = lockFile.Get(up);
            if (entry is null) { waiting.Add($"{up} has not run"); continue; }
            foreach (var output in stages[up].Outputs)
                foreach (var (file, hash, problem) in UpstreamFiles(up, output, entry))
                {
                    if (stage.UpstreamOutputs is { } reads && !reads.Any(r => OutputNames.Covers(r, $"{up}/{file}"))) continue;
                    if (problem is not null) waiting.Add($"{up}/{file} {problem}");
                    else upstream[$"{up}/{file}"] = hash!;
                }
        }
        if (waiting.Count > 0) return (null, waiting);
        var paramValues = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // A declared group is recorded leaf by leaf, so a reason names the one key that changed.
        foreach (var key in stage.KeysFor(parameters))
            foreach (var (leaf, node) in Leaves(key, parameters.Find(key)))
                paramValues[leaf] = node?.ToCanonicalJson() ?? "<missing>";
        var prompts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var prompt in stage.Prompts) prompts[prompt] = Hashes.HashOf(workspace.Resolve(prompt)) ?? "<missing>";
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in stage.DataFiles(parameters, workspace.RepoRoot))
        {
            var full = workspace.Resolve(file);
            data[workspace.Portable(full)] = Hashes.HashOf(full) ?? Missing;
        }
        return (new StageInputs(stage.Version, paramValues, prompts, data, upstream) { Code = CodeOf(stage).Parts }, waiting);
    }

    /// <summary>
    /// The files of one upstream output as a downstream stage reads them: for a folder, the files its lock entry
    /// records, each with its hash now or what is wrong with it, plus any file added under it since.
    /// </summary>
    private IEnumerable<(string File, string? Hash, string? Problem)> UpstreamFiles(string up, string output, LockEntry entry)
    {
        var recorded = OutputNames.Recorded(entry.Outputs.Keys, output);
        if (recorded.Count == 0)
        {
            yield return (output, null, "is missing");
            yield break;
        }
        foreach (var file in recorded)
        {
            var hash = Hashes.HashOf(workspace.OutputPath(up, file));
            if (hash is null) yield return (file, null, "is missing");
            else if (entry.Outputs[file].Hash != hash) yield return (file, null, "was changed outside the build");
            else yield return (file, hash, null);
        }
        if (OutputNames.IsFolder(output))
            foreach (var extra in OutputNames.FilesOnDisk(workspace.StageDir(up), output).Except(recorded, StringComparer.Ordinal))
                yield return (extra, null, "was added outside the build");
    }

    /// <summary>The code the stage runs, found once per build (types are fixed for the life of the process).</summary>
    private CodeIdentity CodeOf(StageDefinition stage)
    {
        if (!codeOfStage.TryGetValue(stage.Name, out var identity))
            codeOfStage[stage.Name] = identity = code.Of(stage.CodeRootsOrDefault());
        return identity;
    }

    private static IEnumerable<(string Key, ParamNode? Node)> Leaves(string key, ParamNode? node)
    {
        if (node is not { Kind: ParamKind.Map })
        {
            yield return (key, node);
            yield break;
        }
        foreach (var child in node.Keys)
            foreach (var leaf in Leaves($"{key}.{child}", node.Children[child]))
                yield return leaf;
    }

    /// <summary>
    /// The fingerprint: stage name, code version, declared params values, prompt bytes and upstream output
    /// hashes, in a fixed textual order. Nothing else, so an unrelated change leaves it alone.
    /// </summary>
    internal static string Fingerprint(StageDefinition stage, StageInputs inputs)
    {
        var text = new StringBuilder();
        text.Append("format\0").Append(FormatVersion).Append('\n');
        text.Append("stage\0").Append(stage.Name).Append('\n');
        text.Append("version\0").Append(inputs.CodeVersion).Append('\n');
        foreach (var (k, v) in inputs.Code ?? []) text.Append("code\0").Append(k).Append('\0').Append(v).Append('\n');
        foreach (var (k, v) in inputs.Params) text.Append("param\0").Append(k).Append('\0').Append(v).Append('\n');
        foreach (var (k, v) in inputs.Prompts) text.Append("prompt\0").Append(k).Append('\0').Append(v).Append('\n');
        foreach (var (k, v) in inputs.Data) text.Append("data\0").Append(k).Append('\0').Append(v).Append('\n');
        foreach (var (k, v) in inputs.Upstream) text.Append("upstream\0").Append(k).Append('\0').Append(v).Append('\n');
        foreach (var output in stage.Outputs.Order(StringComparer.Ordinal)) text.Append("output\0").Append(output).Append('\n');
        return ContentHash.OfString(text.ToString());
    }

    private const string Missing = "<missing>";

    private static List<string> InputChanges(StageInputs before, StageInputs now)
    {
        var reasons = new List<string>();
        if (before.CodeVersion != now.CodeVersion) reasons.Add($"code version {before.CodeVersion} -> {now.CodeVersion}");
        if (CodeChange(before.Code, now.Code ?? []) is { } codeReason) reasons.Add(codeReason);
        Diff(before.Params, now.Params, reasons, (k, a, b) => $"param {k}: {a ?? "(not read)"} -> {b ?? "(not read)"}");
        Diff(before.Prompts, now.Prompts, reasons, (k, a, b) => a is null ? $"prompt {k} newly read" : b is null ? $"prompt {k} no longer read" : $"prompt {k} edited");
        // Missing files are counted, not listed: the stage's own message lists them once when it runs.
        var missing = now.Data.Count(d => d.Value == Missing && before.Data.GetValueOrDefault(d.Key) != Missing);
        if (missing > 0) reasons.Add($"{missing} data file{(missing == 1 ? " is" : "s are")} missing");
        Diff(new(before.Data.Where(d => now.Data.GetValueOrDefault(d.Key) != Missing).ToDictionary(), StringComparer.Ordinal),
            new(now.Data.Where(d => d.Value != Missing).ToDictionary(), StringComparer.Ordinal),
            reasons, (k, a, b) => a is null ? $"data file {k} newly read" : b is null ? $"data file {k} no longer read" : $"data file {k} changed");
        Diff(before.Upstream, now.Upstream, reasons, (k, _, _) => $"upstream {k} changed");
        if (reasons.Count == 0) reasons.Add("declared outputs changed");
        return reasons;
    }

    /// <summary>"code changed: A, B and 3 more", naming the types (or packages) whose hash differs.</summary>
    private static string? CodeChange(SortedDictionary<string, string>? before, SortedDictionary<string, string> now)
    {
        if (before is null) return "code not recorded in the lock (written by an older STAR1)";
        var changed = before.Keys.Union(now.Keys)
            .Where(k => before.GetValueOrDefault(k) != now.GetValueOrDefault(k))
            .Select(k => k.StartsWith("type ", StringComparison.Ordinal) || k.StartsWith("assembly ", StringComparison.Ordinal) ? k[(k.IndexOf(' ') + 1)..] : k)
            // Types a person wrote first: compiler-generated ones (<>f__AnonymousType0`3) say little on their own.
            .OrderBy(k => k.StartsWith('<')).ThenBy(k => k, StringComparer.Ordinal).ToList();
        if (changed.Count == 0) return null;
        const int shown = 4;
        var list = string.Join(", ", changed.Take(shown));
        return $"code changed: {list}{(changed.Count > shown ? $" and {changed.Count - shown} more" : "")}";
    }

    private static void Diff(SortedDictionary<string, string> before, SortedDictionary<string, string> now, List<string> reasons, Func<string, string?, string?, string> say)
    {
        foreach (var key in before.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            var a = before.GetValueOrDefault(key);
            var b = now.GetValueOrDefault(key);
            if (a != b) reasons.Add(say(key, a, b));
        }
    }

    /// <summary>
    /// What differs between the outputs on disk and the lock entry, file by file: a missing or modified file, and
    /// under a folder output also a file the entry does not record.
    /// </summary>
    private List<string> OutputProblems(StageDefinition stage, LockEntry entry)
    {
        var problems = new List<string>();
        var dir = workspace.StageDir(stage.Name);
        foreach (var output in stage.Outputs)
        {
            var onDisk = OutputNames.FilesOnDisk(dir, output);
            if (onDisk.Count == 0)
            {
                problems.Add($"output {output} is missing");
                continue;
            }
            var recorded = OutputNames.Recorded(entry.Outputs.Keys, output);
            foreach (var file in recorded.Union(onDisk).Order(StringComparer.Ordinal))
            {
                var hash = Hashes.HashOf(workspace.OutputPath(stage.Name, file));
                if (hash is null) problems.Add($"output {file} is missing");
                else if (!entry.Outputs.TryGetValue(file, out var record)) problems.Add($"output {file} is not one the stage wrote");
                else if (record.Hash != hash) problems.Add($"output {file} was modified");
            }
        }
        return problems;
    }

    /// <summary>
    /// Asks the remote cache, if any, for this fingerprint's run and copies it into the local run-cache (verified),
    /// so the local restore serves it. The bytes pulled, or null when nothing usable came.
    /// </summary>
    private async Task<long?> PullFromRemoteAsync(StageDefinition stage, string fingerprint, CancellationToken ct) =>
        remote is null ? null : await remote.PullAsync(stage, fingerprint, runCache, ct);

    /// <summary>Sends a run just committed to the remote cache, if any and pushing is on; the object bytes sent.</summary>
    private async Task<long> PushToRemoteAsync(StageDefinition stage, string fingerprint, CancellationToken ct) =>
        remote is null ? 0 : await remote.PushAsync(stage.Name, fingerprint, runCache, ct);

    /// <summary>A restore's outcome, saying (and counting in the run record) when its outputs came from the remote cache.</summary>
    private static StageOutcome Restored(string name, string why, TimeSpan duration, string fingerprint, long? pulledBytes) =>
        new(name, StageResult.Restored, $"{why}; outputs restored from {(pulledBytes is null ? "run-cache" : "remote cache")}", duration, fingerprint)
        {
            Metrics = WithRemoteBytes(null, "remote_pulled_bytes", pulledBytes),
        };

    /// <summary>A stage's metrics plus the bytes moved to or from the remote cache; unchanged when <paramref name="bytes"/> is null.</summary>
    private static IReadOnlyDictionary<string, double>? WithRemoteBytes(IReadOnlyDictionary<string, double>? metrics, string key, long? bytes) =>
        bytes is null ? metrics : new Dictionary<string, double>(metrics ?? new Dictionary<string, double>(), StringComparer.Ordinal) { [key] = bytes.Value };

    /// <summary>How long a temporary file in a shared cache folder must lie untouched before it counts as left by a killed build.</summary>
    private static readonly TimeSpan SharedTempAge = TimeSpan.FromHours(1);

    /// <summary>
    /// Temporary files in a cache folder outside the artifacts folder: the build lock does not cover it, so a fresh
    /// one may be another checkout's write in progress; only old ones go.
    /// </summary>
    private void CleanSharedCacheLeftovers()
    {
        if (!workspace.CacheIsShared || !Directory.Exists(workspace.CacheDir)) return;
        List<string> old;
        try
        {
            old = Directory.EnumerateFiles(workspace.CacheDir, ".*.tmp", SearchOption.AllDirectories)
                .Where(f => TempFileName().IsMatch(Path.GetFileName(f)) && File.GetLastWriteTimeUtc(f) < DateTime.UtcNow - SharedTempAge).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return; // another checkout's Gc removed a folder under us: its leftovers wait for the next build
        }
        foreach (var temp in old) File.Delete(temp);
        if (old.Count > 0) reporter.Info($"removed {old.Count} temporary file(s) older than {SharedTempAge.TotalHours:0} h from the cache folder");
    }
}
