using System.Globalization;
using Star1.Data.Collect.Funnel;
using Star1.Data.Deliberation;
using Star1.Data.StandIns;
using Star1.Host;
using Star1.Llm;
using Star1.Llm.Cache;
using Star1.Llm.Calling;
using Star1.Llm.Providers;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Llm;

/// <summary>
/// What every LLM stage shares: it reads records from one upstream file, sends one request per record to the
/// provider its params name, keeps the answers in the stage's request cache (so a crash, an edited downstream
/// prompt or a grown input re-sends only what is missing), parses them strictly when read, writes one record per
/// accepted answer, failures to <c>errors.json</c>, counts to the run record. A stage says which params group
/// and upstream file it reads, how a record becomes a request, and how an answer becomes its output record.
/// </summary>
/// <typeparam name="TIn">The upstream record.</typeparam>
/// <typeparam name="TValue">What the parser takes out of an answer.</typeparam>
/// <typeparam name="TOut">The record the stage writes.</typeparam>
public abstract class LlmStageTask<TIn, TValue, TOut> : StageTask<BuildContext>
{
    public const string ErrorsFile = "errors.json";
    public const string RequestsCache = "requests";

    /// <summary>The upstream stage and file the records come from.</summary>
    protected abstract (string Stage, string File) Source { get; }

    /// <summary>Reads the upstream records (strictly: a malformed file names the item).</summary>
    protected abstract IReadOnlyList<TIn> Read(string path);

    /// <summary>The record's id, which is also its request's item id.</summary>
    protected abstract int IdOf(TIn record);

    /// <summary>Loads the stage's prompt files (through the given reader) into a record -> request function.</summary>
    protected abstract Func<TIn, LlmItem> RequestBuilder(Func<string, string> readPrompt, GenerationSettings settings);

    /// <summary>The strict parser of an answer.</summary>
    protected abstract ParseResult<TValue> Parse(ChatAnswer answer);

    /// <summary>The output record for a record and its accepted answer.</summary>
    protected abstract TOut Combine(TIn record, LlmSuccess<TValue> answer);

    /// <summary>The file the output records go to.</summary>
    protected abstract string OutputFile { get; }

    /// <summary>A line for the log once the records are written (counts a reader wants to see).</summary>
    protected virtual string? Summary(IReadOnlyList<TOut> written) => null;

    public override IReadOnlyList<string> Reads => [$"{Source.Stage}/{Source.File}"];
    public override IReadOnlyList<string> Outputs => [OutputFile, ErrorsFile];

    /// <summary>The params group of the stage: "classify", "reason", ...</summary>
    protected abstract string Group { get; }

    /// <summary>The group's keys that decide answers besides the provider: model, generation settings, tries.</summary>
    protected abstract IReadOnlyList<string> AnswerKeys { get; }

    /// <summary>How many times an item is asked before it counts as failed (the paper's retries).</summary>
    protected abstract string AttemptsKey { get; }

    /// <summary>The prompt files its request builder reads.</summary>
    public abstract override IReadOnlyList<string> Prompts { get; }

    public override IReadOnlyList<string> ParamKeys => [$"{Group}.provider", .. AnswerKeys.Select(k => $"{Group}.{k}")];

    /// <summary>The named provider's kind and endpoint decide answers; nothing else about it does.</summary>
    public override IEnumerable<string> ParamKeysFrom(EffectiveParams parameters) => LlmProviders.KeysFor(parameters, Group);

    public override IReadOnlyList<string> Settings =>
    [
        LlmProviders.Group, "llm.max_failure_share", "llm.build_budget_usd", "llm.request_retries", "llm.batch_poll_seconds",
        $"{Group}.budget_usd", .. TimeoutKey is { } t ? new[] { t } : [],
    ];

    /// <summary>The per-request timeout key, for stages that have one (a timeout changes when, not what).</summary>
    protected virtual string? TimeoutKey => null;

    public override IReadOnlyList<StageCache> Caches => [new(RequestsCache, RequestCache.Prune)];

    public override string? Preflight(EffectiveParams parameters, string repoRoot) => LlmProviders.Problem(parameters, Group);

    /// <summary>What a run would send after cache hits, with tokens and worst-case cost: shown by --dryrun and Status.</summary>
    public override string? Estimate(StageEstimateContext context)
    {
        if (LlmProviders.Problem(context.Params, Group) is not null) return null;
        // Status and --dryrun never fail on an estimate: a bad prompt, upstream file or cache is said, and the stage
        // itself stops on it with the full message when it runs.
        try
        {
            return Count(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"requests: cannot be counted ({e.Message.Split('\n')[0]})";
        }
    }

    private string Count(StageEstimateContext context)
    {
        var upstream = context.UpstreamOutput(Source.Stage, Source.File);
        if (!File.Exists(upstream)) return "requests: not known until its upstream stages have run";
        var build = RequestBuilder(relative => File.ReadAllText(Path.Combine(context.RepoRoot, relative)), Generation(context.Params.Get));
        var items = Read(upstream).Select(build).ToList();
        var folder = context.CacheDir(RequestsCache);
        // Status is read-only: with no request cache yet every request is a miss, counted against an empty one
        // made for the purpose and deleted, rather than creating the stage's database.
        var scratch = File.Exists(Path.Combine(folder, RequestCache.FileName)) ? null : Path.Combine(Path.GetTempPath(), "star1-estimate-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var cache = new RequestCache(scratch ?? folder);
            var runner = new LlmRunner(new EstimateOnly(ProviderIdentity(context.Params.Get, context.CodeHashOf)), cache, Options(context.Params.Get, buildBudget: null));
            return Describe(runner.Estimate(items));
        }
        finally
        {
            if (scratch is not null && Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    public override async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var records = Read(stage.Input(Source.Stage, Source.File));
        var build = RequestBuilder(stage.Prompt, Generation(stage.Param));
        var byId = records.ToDictionary(r => IdOf(r).ToString(CultureInfo.InvariantCulture));
        var answers = await CallAsync(context, stage, [.. records.Select(build)], Parse, ct);
        var written = answers.Select(a => Combine(byId[a.Id], a)).ToList();
        await File.WriteAllBytesAsync(stage.Output(OutputFile), DatasetJson.Write(written), ct);
        if (Summary(written) is { } line) stage.Reporter.Info($"{stage.StageName}: {line}");
    }

    /// <summary>
    /// Runs the items through the stage's provider and request cache. Failures go to <c>errors.json</c> with the
    /// reason and the raw answer; too many of them fail the stage, while every success stays cached.
    /// </summary>
    private async Task<IReadOnlyList<LlmSuccess<TValue>>> CallAsync(BuildContext context, StageContext stage, IReadOnlyList<LlmItem> items,
        Func<ChatAnswer, ParseResult<TValue>> parse, CancellationToken ct)
    {
        using var cache = new RequestCache(stage.CacheDir(RequestsCache), stage.Reporter.Warn);
        var provider = OpenProvider(stage.Param, stage.CodeHashOf);
        var options = Options(stage.Param, context.BuildBudget(stage.Param));
        var progress = new LlmProgressLines(stage);
        var runner = new LlmRunner(provider, cache, options, progress);
        LlmRunResult<TValue> result;
        try
        {
            result = await runner.RunAsync(items, parse, ct);
        }
        catch
        {
            // Stopped (a budget, a rejected key, Ctrl-C): what was spent so far still goes to the run record.
            if (progress.Last is { } p) RecordUsage(stage, items.Count, p.RequestsSent, p.CacheHits, p.InputTokens, p.OutputTokens, p.Cost, failed: null);
            throw;
        }
        finally
        {
            stage.RecordCacheUse(RequestsCache, cache.UsedKeys);
        }
        var usage = result.Usage;
        RecordUsage(stage, usage.Items, usage.RequestsSent, usage.CacheHits, usage.InputTokens, usage.OutputTokens, usage.Cost, result.Failures.Count);
        await File.WriteAllBytesAsync(stage.Output(ErrorsFile), DatasetJson.Write(result.Failures.Select(f => new
        {
            id = f.Id,
            reason = f.Reason,
            raw = f.LastAnswer?.StoredText,
        })), ct);
        stage.Reporter.Info($"{stage.StageName}: {usage.Items} items, {usage.RequestsSent} requests sent, {usage.CacheHits} from cache, " +
            $"{usage.InputTokens + usage.OutputTokens} tokens, ${usage.Cost.ToString("0.####", CultureInfo.InvariantCulture)}; {result.Failures.Count} failed");
        if (result.Failures.Count > 0)
            stage.Reporter.Warn($"{stage.StageName}: {result.Failures.Count} item(s) failed (first: {result.Failures[0].Id}: {result.Failures[0].Reason}); see {ErrorsFile}");
        result.ThrowIfFailureShareAbove(stage.Param("llm.max_failure_share").AsDouble(), stage.StageName);
        return result.Successes;
    }

    private static void RecordUsage(StageContext stage, int items, int requests, int hits, long input, long output, decimal cost, int? failed)
    {
        stage.RecordMetric("items", items);
        stage.RecordMetric("requests", requests);
        stage.RecordMetric("cache_hits", hits);
        stage.RecordMetric("input_tokens", input);
        stage.RecordMetric("output_tokens", output);
        stage.RecordMetric("cost_usd", (double)decimal.Round(cost, 6));
        if (failed is { } f) stage.RecordMetric("failed", f);
    }

    /// <summary>The generation settings of this stage's params group (null keys are not sent).</summary>
    protected GenerationSettings Generation(Func<string, ParamNode> param) => new()
    {
        Model = param($"{Group}.model").AsString(),
        Temperature = Optional(param, "temperature")?.AsDouble(),
        TopP = Optional(param, "top_p")?.AsDouble(),
        MaxTokens = Optional(param, "max_tokens") is { } m ? (int)m.AsInt() : null,
        MaxCompletionTokens = Optional(param, "max_completion_tokens") is { } c ? (int)c.AsInt() : null,
    };

    private ParamNode? Optional(Func<string, ParamNode> param, string key) => AnswerKeys.Contains(key) ? param($"{Group}.{key}") : null;

    private string ProviderName(Func<string, ParamNode> param) => param($"{Group}.provider").AsString();

    private IChatProvider OpenProvider(Func<string, ParamNode> param, Func<Type, string> codeHashOf) =>
        LlmProviders.Open(param, ProviderName(param), codeHashOf);

    private string ProviderIdentity(Func<string, ParamNode> param, Func<Type, string> codeHashOf) =>
        LlmProviders.IdentityOf(param, ProviderName(param), codeHashOf);

    private LlmRunOptions Options(Func<string, ParamNode> param, LlmBudget? buildBudget) =>
        LlmProviders.RunOptions(param, ProviderName(param), StageName, (int)param($"{Group}.{AttemptsKey}").AsInt(),
            param($"{Group}.budget_usd").AsDouble(), buildBudget,
            TimeoutKey is { } t ? TimeSpan.FromSeconds(param(t).AsDouble()) : TimeSpan.FromMinutes(5));

    /// <summary>The stage's name, for messages (from its [TaskName]).</summary>
    private string StageName => GetType().GetCustomAttributes(typeof(TaskNameAttribute), false).OfType<TaskNameAttribute>().Single().Name;

    private static string Describe(LlmEstimate e) =>
        $"would send {e.Requests} of {e.Items} requests ({e.CacheHits} cached), ~{e.InputTokens} input tokens, at most {e.MaxOutputTokens} output tokens, at most ${e.MaxCost.ToString("0.####", CultureInfo.InvariantCulture)}";

    /// <summary>A provider that only has an identity: --dryrun looks answers up, it never asks.</summary>
    private sealed class EstimateOnly(string identity) : IChatProvider
    {
        public string Identity => identity;
        public Task<ChatAnswer> CompleteAsync(ChatRequest request, CancellationToken ct) =>
            throw new InvalidOperationException("an estimate never sends a request");
    }
}
