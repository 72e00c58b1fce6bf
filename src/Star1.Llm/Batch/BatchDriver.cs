using Star1.Llm.Cache;
using Star1.Llm.Calling;
using Star1.Llm.Providers;

namespace Star1.Llm.Batch;

/// <summary>
/// Batch mode: the acceptance loop of the runner in rounds. Each round reads every pending item's current
/// attempt from the cache as far as it goes; the attempts the cache lacks go out together as batches (split
/// within the API's limits), and their answers come back into the same cache by custom id. Re-asks (a cut-off
/// or unparseable answer) are the next round's batch. Batch ids are stored the moment a batch is created, so a
/// run killed while one is in flight resumes by polling it instead of paying again.
/// </summary>
internal sealed class BatchDriver(IBatchApi api, RequestCache cache, LlmRunOptions options, string identity,
    Transport transport, BudgetGuard budgets, UsageMeter meter, TimeProvider time)
{
    // Keys answered by a batch during this run: reading them next round is not a cache hit.
    private readonly HashSet<string> _fresh = new(StringComparer.Ordinal);
    private int _files;

    private sealed class ItemState(int index, LlmItem item)
    {
        public int Index { get; } = index;
        public LlmItem Item { get; } = item;
        public int Attempt { get; set; }
        public int Rounds { get; set; }
        public ChatAnswer? Last { get; set; }
        public string Reason { get; set; } = "";
        public bool Done { get; set; }
    }

    public async Task RunAsync<T>(IReadOnlyList<LlmItem> items, Func<ChatAnswer, ParseResult<T>> parse, Outcome<T>[] outcomes, Action<int> done, CancellationToken ct)
    {
        // First whatever an earlier (killed) run left in flight: its answers may be exactly what we need.
        foreach (var open in cache.OpenBatches())
            budgets.Settle(0, await CollectAsync(open, new Dictionary<string, ChatTransportException>(), ct).ConfigureAwait(false));

        var states = items.Select((item, i) => new ItemState(i, item)).ToList();
        while (true)
        {
            var wanted = new Dictionary<string, ChatRequest>(StringComparer.Ordinal);
            var waiting = new List<(ItemState State, string Key)>();
            foreach (var s in states.Where(s => !s.Done))
            {
                if (Advance(s, parse, outcomes) is { } key)
                {
                    wanted.TryAdd(key, s.Item.Request);
                    waiting.Add((s, key));
                }
                else done(s.Index);
            }
            if (wanted.Count == 0) return;

            var errors = await SendAsync(wanted, ct).ConfigureAwait(false);
            foreach (var (s, key) in waiting)
            {
                if (_fresh.Contains(key)) continue;
                var error = errors.GetValueOrDefault(key) ?? new ChatTransportException("the batch output holds no answer for this request", null, retryable: true);
                if (error.Retryable && ++s.Rounds <= options.TransportRetries) continue;
                s.Done = true;
                outcomes[s.Index] = new Outcome<T>(null, new LlmFailure(s.Item.Id, $"attempt {s.Attempt}: {error.Message}", s.Last));
                done(s.Index);
            }
        }
    }

    /// <summary>Reads the item's attempts from the cache until one is accepted, they run out, or one is missing (its key is returned).</summary>
    private string? Advance<T>(ItemState s, Func<ChatAnswer, ParseResult<T>> parse, Outcome<T>[] outcomes)
    {
        while (s.Attempt < options.MaxAttempts)
        {
            var key = RequestKey.Compute(identity, s.Item.Request, s.Attempt);
            if (!cache.TryGet(key, out var answer)) return key;
            if (!_fresh.Contains(key)) meter.CacheHit();
            answer = answer.WithInlineThinkingSplit();
            s.Last = answer;
            var verdict = Acceptance.Judge(answer, parse, options.RequireStop);
            if (verdict.Ok)
            {
                s.Done = true;
                outcomes[s.Index] = new Outcome<T>(new LlmSuccess<T>(s.Item.Id, verdict.Value!, answer, s.Attempt), null);
                return null;
            }
            s.Reason = verdict.Error!;
            s.Attempt++;
            s.Rounds = 0;
        }
        s.Done = true;
        outcomes[s.Index] = new Outcome<T>(null, new LlmFailure(s.Item.Id, Acceptance.Exhausted(options.MaxAttempts, s.Reason), s.Last));
        return null;
    }

    /// <summary>
    /// Sends one round: splits, reserves each file's worst-case cost, uploads, creates and records each batch, then
    /// collects them all. A budget that cannot cover the next file stops the sending; what was created is still
    /// collected (it is paid for) before the run fails.
    /// </summary>
    private async Task<Dictionary<string, ChatTransportException>> SendAsync(Dictionary<string, ChatRequest> wanted, CancellationToken ct)
    {
        var requests = wanted.Select(w => (w.Key, w.Value, (long)TokenEstimate.Input(w.Value), (long)TokenEstimate.OutputCap(w.Value, options.AssumedMaxOutputTokens))).ToList();
        var chunks = BatchFile.Split(requests, options.Batch.MaxRequestsPerBatch, options.Batch.MaxBytesPerBatch);
        var created = new List<(BatchRecord Record, decimal Reserved)>();
        LlmBudgetExceededException? stop = null;
        foreach (var chunk in chunks)
        {
            var reserved = TokenEstimate.Cost(chunk.InputTokens, chunk.OutputCap, options);
            try { budgets.Reserve(reserved, chunk.Keys.Count); }
            catch (LlmBudgetExceededException ex) { stop = ex; break; }
            try
            {
                var name = $"star1-{Safe(options.StageName)}-{Interlocked.Increment(ref _files)}.jsonl";
                var fileId = await transport.ControlAsync(t => api.UploadAsync(BinaryData.FromBytes(chunk.Jsonl), name, t), ct).ConfigureAwait(false);
                var batchId = await transport.ControlAsync(t => api.CreateAsync(fileId, options.Batch.CompletionWindow, t), ct).ConfigureAwait(false);
                var record = new BatchRecord(batchId, fileId, chunk.Keys.Count, RequestCache.BatchSubmitted);
                cache.SaveBatch(record);
                meter.BatchSent(chunk.Keys.Count);
                created.Add((record, reserved));
            }
            catch
            {
                budgets.Settle(reserved, 0);
                throw;
            }
        }
        var errors = new Dictionary<string, ChatTransportException>(StringComparer.Ordinal);
        foreach (var (record, reserved) in created)
            budgets.Settle(reserved, await CollectAsync(record, errors, ct).ConfigureAwait(false));
        if (stop is not null) throw stop;
        return errors;
    }

    /// <summary>Polls a batch until it is final, stores every answer under its custom id, and returns what they cost.</summary>
    private async Task<decimal> CollectAsync(BatchRecord record, Dictionary<string, ChatTransportException> errors, CancellationToken ct)
    {
        BatchStatus status;
        while (true)
        {
            status = await transport.ControlAsync(t => api.GetAsync(record.BatchId, t), ct).ConfigureAwait(false);
            if (status.Final) break;
            await Task.Delay(options.Batch.PollInterval, time, ct).ConfigureAwait(false);
        }
        if (status.Status == "failed")
        {
            cache.MarkBatch(record.BatchId, "failed");
            throw new LlmRunException($"{options.StageName}: batch {record.BatchId} ({record.Requests} requests) failed: {status.Errors ?? "no reason given"}");
        }
        decimal cost = 0;
        foreach (var fileId in new[] { status.OutputFileId, status.ErrorFileId }.OfType<string>())
        {
            var file = await transport.ControlAsync(t => api.DownloadAsync(fileId, t), ct).ConfigureAwait(false);
            foreach (var line in BatchFile.Read(file, record.BatchId, cache.Warn))
            {
                if (line.Answer is { } answer)
                {
                    cache.Store(line.Key, answer);
                    _fresh.Add(line.Key);
                    var c = TokenEstimate.Cost(answer.InputTokens, answer.OutputTokens, options);
                    meter.Answered(answer, c);
                    cost += c;
                }
                else if (line.Error is { } error) errors[line.Key] = error;
            }
        }
        cache.MarkBatch(record.BatchId, RequestCache.BatchCollected);
        return cost;
    }

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
