using Star1.Llm.Batch;
using Star1.Llm.Cache;
using Star1.Llm.Providers;

namespace Star1.Llm.Calling;

/// <summary>
/// Runs a stage's requests: for each item, attempts 0..MaxAttempts-1, each answered from the request cache or
/// the wire (stored at once, before parsing) and accepted when it finished with "stop" (if required) and the
/// stage's parser takes it. Bounded concurrency, Polly retries and rate limits (<see cref="Transport"/>),
/// budgets checked before every request, and batch mode for what the cache lacks. A 401 or a reached budget
/// stops the run (requests in flight finish and are cached); anything else fails only its item.
/// Results come back in item order.
/// </summary>
public sealed class LlmRunner
{
    private readonly IChatProvider _provider;
    private readonly RequestCache _cache;
    private readonly LlmRunOptions _options;
    private readonly IProgress<LlmProgress>? _progress;
    private readonly TimeProvider _time;

    public LlmRunner(IChatProvider provider, RequestCache cache, LlmRunOptions options, IProgress<LlmProgress>? progress = null, TimeProvider? time = null)
    {
        _provider = provider ?? throw new ArgumentNullException(nameof(provider));
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        if (options.UseBatch && provider is not OpenAiChatProvider)
            throw new ArgumentException($"{options.StageName}: batch mode needs an OpenAI-compatible provider with a Batch API; {provider.Identity} has none");
        _progress = progress;
        _time = time ?? TimeProvider.System;
    }

    public async Task<LlmRunResult<T>> RunAsync<T>(IReadOnlyList<LlmItem> items, Func<ChatAnswer, ParseResult<T>> parse, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parse);
        CheckItems(items);
        using var transport = new Transport(_options, _time);
        var run = new RunState(new UsageMeter(items.Count, _time), new BudgetGuard(_options), transport);
        var outcomes = new Outcome<T>[items.Count];

        if (_options.UseBatch)
        {
            var driver = new BatchDriver(new OpenAiBatchApi((OpenAiChatProvider)_provider), _cache, _options, _provider.Identity, transport, run.Budgets, run.Meter, _time);
            try { await driver.RunAsync(items, parse, outcomes, _ => Report(run), ct).ConfigureAwait(false); }
            catch (ApiKeyRejectedException ex) { throw new LlmRunException($"{_options.StageName}: {ex.Message}", ex); }
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct };
            await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (i, token) =>
            {
                try { outcomes[i] = await RunItemAsync(items[i], parse, run, token).ConfigureAwait(false); }
                catch (Exception ex) when (ex is ApiKeyRejectedException or LlmBudgetExceededException)
                {
                    // Stop sending, but let the requests in flight finish: their answers are paid for and get cached.
                    run.Fatal ??= ex;
                    outcomes[i] = new Outcome<T>(null, new LlmFailure(items[i].Id, "not sent: " + ex.Message, null));
                }
                Report(run);
            }).ConfigureAwait(false);
            if (run.Fatal is { } fatal)
                throw fatal is LlmRunException ? fatal : new LlmRunException($"{_options.StageName}: {fatal.Message}", fatal);
        }

        var successes = outcomes.Where(o => o.Success is not null).Select(o => o.Success!).ToList();
        var failures = outcomes.Where(o => o.Failure is not null).Select(o => o.Failure!).ToList();
        return new LlmRunResult<T>(successes, failures, run.Meter.Usage(transport.Attempts));
    }

    /// <summary>
    /// For --dryrun: which first attempts the cache lacks, and their estimated tokens and worst-case cost.
    /// Reads the cache without recording anything as used.
    /// </summary>
    public LlmEstimate Estimate(IReadOnlyList<LlmItem> items)
    {
        CheckItems(items);
        int hits = 0, requests = 0;
        long input = 0, output = 0;
        foreach (var item in items)
        {
            if (_cache.Peek(RequestKey.Compute(_provider.Identity, item.Request, 0)) is not null) { hits++; continue; }
            requests++;
            input += TokenEstimate.Input(item.Request);
            output += TokenEstimate.OutputCap(item.Request, _options.AssumedMaxOutputTokens);
        }
        return new LlmEstimate(items.Count, hits, requests, input, output, TokenEstimate.Cost(input, output, _options));
    }

    private async Task<Outcome<T>> RunItemAsync<T>(LlmItem item, Func<ChatAnswer, ParseResult<T>> parse, RunState run, CancellationToken ct)
    {
        ChatAnswer? last = null;
        string reason = "";
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var key = RequestKey.Compute(_provider.Identity, item.Request, attempt);
            if (_cache.TryGet(key, out var answer)) run.Meter.CacheHit();
            else
            {
                if (run.Fatal is { } fatal) return new Outcome<T>(null, new LlmFailure(item.Id, "not sent: " + fatal.Message, last));
                try { answer = await SendAsync(item.Request, run, ct).ConfigureAwait(false); }
                catch (ChatTransportException ex) when (ex is not ApiKeyRejectedException)
                {
                    return new Outcome<T>(null, new LlmFailure(item.Id, $"attempt {attempt}: {ex.Message}", last));
                }
                _cache.Put(key, answer);
            }
            answer = answer.WithInlineThinkingSplit();
            last = answer;
            var verdict = Acceptance.Judge(answer, parse, _options.RequireStop);
            if (verdict.Ok) return new Outcome<T>(new LlmSuccess<T>(item.Id, verdict.Value!, answer, attempt), null);
            reason = verdict.Error!;
        }
        return new Outcome<T>(null, new LlmFailure(item.Id, Acceptance.Exhausted(_options.MaxAttempts, reason), last));
    }

    private async Task<ChatAnswer> SendAsync(ChatRequest request, RunState run, CancellationToken ct)
    {
        int input = TokenEstimate.Input(request), outputCap = TokenEstimate.OutputCap(request, _options.AssumedMaxOutputTokens);
        var reserved = TokenEstimate.Cost(input, outputCap, _options);
        run.Budgets.Reserve(reserved);
        ChatAnswer answer;
        try { answer = await run.Transport.SendAsync(_provider, request, input + outputCap, ct).ConfigureAwait(false); }
        catch
        {
            run.Budgets.Settle(reserved, 0);
            throw;
        }
        var cost = TokenEstimate.Cost(answer.InputTokens, answer.OutputTokens, _options);
        run.Budgets.Settle(reserved, cost);
        run.Meter.Answered(answer, cost);
        return answer;
    }

    private void Report(RunState run)
    {
        var p = run.Meter.ItemDone(run.Transport.Attempts);
        _progress?.Report(p);
    }

    private void CheckItems(IReadOnlyList<LlmItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"{_options.StageName}: item {i} is null");
            if (string.IsNullOrEmpty(item.Id)) throw new ArgumentException($"{_options.StageName}: item {i} has no id");
            if (!seen.Add(item.Id)) throw new ArgumentException($"{_options.StageName}: item id '{item.Id}' appears twice");
            if (item.Request?.Messages is not { Count: > 0 } messages) throw new ArgumentException($"{_options.StageName}: item '{item.Id}' has no messages");
            if (string.IsNullOrWhiteSpace(item.Request.Settings?.Model)) throw new ArgumentException($"{_options.StageName}: item '{item.Id}' names no model");
            if (messages.Any(m => m is null || string.IsNullOrEmpty(m.Role) || m.Content is null))
                throw new ArgumentException($"{_options.StageName}: item '{item.Id}' has a message without a role or content");
        }
    }

    private sealed class RunState(UsageMeter meter, BudgetGuard budgets, Transport transport)
    {
        public UsageMeter Meter { get; } = meter;
        public BudgetGuard Budgets { get; } = budgets;
        public Transport Transport { get; } = transport;
        public volatile Exception? Fatal;
    }
}

/// <summary>One item's result: exactly one of the two is set.</summary>
internal readonly record struct Outcome<T>(LlmSuccess<T>? Success, LlmFailure? Failure);
