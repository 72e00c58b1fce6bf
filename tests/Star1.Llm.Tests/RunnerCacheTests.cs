using Star1.Llm.Cache;
using Star1.Llm.Calling;
using Star1.Llm.Testing;

namespace Star1.Llm.Tests;

/// <summary>The acceptance loop and the request cache together: hits, re-asks, resumption, parser fixes, budgets.</summary>
public class RunnerCacheTests
{
    [Fact]
    public async Task A_second_runner_on_the_same_cache_sends_nothing()
    {
        await using var h = await Harness.StartAsync();
        var items = Harness.Items(12);
        using (var cache = h.Cache())
        {
            var first = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(items, Harness.Text, default);
            Assert.Equal((12, 0, 12), (first.Usage.RequestsSent, first.Usage.CacheHits, first.Successes.Count));
            Assert.Equal(12, cache.UsedKeys.Count);
        }
        using (var cache = h.Cache())
        {
            var second = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(items, Harness.Text, default);
            Assert.Equal((0, 12, 12), (second.Usage.RequestsSent, second.Usage.CacheHits, second.Successes.Count));
            Assert.Equal(0m, second.Usage.Cost);
            Assert.Equal("echo: question q7", second.Successes[7].Value);
            Assert.Equal(12, cache.UsedKeys.Count);
        }
        Assert.Equal(12, h.Server.Count(FakeOpenAiServer.Chat));
    }

    [Fact]
    public async Task An_inline_think_block_is_cached_raw_and_split_when_read()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = _ => new FakeReply.Answer("<think>\nweigh it\n</think>\n\nNo.");
        var items = Harness.Items(1);
        using var cache = h.Cache();
        var first = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(items, Harness.Text, default);
        var answer = Assert.Single(first.Successes).Answer;
        Assert.Equal(("weigh it", "No."), (answer.Reasoning, answer.Content));
        // The cache holds what the endpoint sent, so a change to the split needs no new request.
        var stored = cache.Peek(cache.UsedKeys.Single())!;
        Assert.Null(stored.Reasoning);
        Assert.Equal("<think>\nweigh it\n</think>\n\nNo.", stored.Content);
        var again = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(items, Harness.Text, default);
        Assert.Equal(answer, Assert.Single(again.Successes).Answer);
        Assert.Equal(1, h.Server.Count(FakeOpenAiServer.Chat));
    }

    [Fact]
    public async Task A_run_cancelled_half_way_resumes_sending_only_what_is_missing()
    {
        await using var h = await Harness.StartAsync();
        var items = Harness.Items(20);
        using var cts = new CancellationTokenSource();
        h.Server.Script = c =>
        {
            if (h.Server.Count(FakeOpenAiServer.Chat) == 8) cts.Cancel();
            return FakeReply.Echo(c);
        };
        using (var cache = h.Cache())
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                new LlmRunner(h.Provider(), cache, Harness.Fast(o => o with { Concurrency = 1 })).RunAsync(items, Harness.Text, cts.Token));
        int before = h.Server.Count(FakeOpenAiServer.Chat);
        h.Server.Script = null;
        using (var cache = h.Cache())
        {
            int cached = (int)cache.Count();
            Assert.InRange(cached, 7, 8); // the 8th may have been cut off mid-flight
            var resumed = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(items, Harness.Text, default);
            Assert.Equal(20, resumed.Successes.Count);
            Assert.Equal(cached, resumed.Usage.CacheHits);
            Assert.Equal(20 - cached, resumed.Usage.RequestsSent);
            Assert.Equal(20 - cached, h.Server.Count(FakeOpenAiServer.Chat) - before);
        }
    }

    [Fact]
    public async Task A_cut_off_answer_is_re_asked_as_its_own_entry_and_stays_cached()
    {
        await using var h = await Harness.StartAsync();
        // Attempt 0 of every item stops at the length limit; the re-ask (the same body, sent again) finishes.
        h.Server.Script = c => c.SeenBefore == 0
            ? new FakeReply.Answer("<think>\nlong", FinishReason: "length", CompletionTokens: 100)
            : FakeReply.Echo(c);
        var options = Harness.Fast(o => o with { MaxAttempts = 3, RequireStop = true, Concurrency = 1 });
        using var cache = h.Cache();
        var result = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(3), Harness.Text, default);
        Assert.All(result.Successes, s => Assert.Equal(1, s.Attempt));
        Assert.Equal(6, cache.Count()); // three cut-off answers and three accepted ones
        Assert.Equal(6, h.Server.Count(FakeOpenAiServer.Chat));
        var item = Harness.Items(3)[0].Request;
        var p = h.Provider();
        Assert.Equal("length", cache.Peek(RequestKey.Compute(p.Identity, item, 0))!.FinishReason);
        Assert.Equal("stop", cache.Peek(RequestKey.Compute(p.Identity, item, 1))!.FinishReason);

        // Without RequireStop the cut-off attempt 0 is acceptable, read from the cache: nothing is sent.
        var lenient = await new LlmRunner(p, cache, options with { RequireStop = false }).RunAsync(Harness.Items(3), Harness.Text, default);
        Assert.All(lenient.Successes, s => Assert.Equal(0, s.Attempt));
        Assert.Equal(0, lenient.Usage.RequestsSent);
    }

    [Fact]
    public async Task Wrong_shaped_answers_fail_after_max_attempts_with_the_reason_and_the_last_raw_answer()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = c => new FakeReply.Answer(c.LastUser.EndsWith('0') ? "[\"Privacy\"]" : "Privacy, I think");
        using var cache = h.Cache();
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast(o => o with { MaxAttempts = 3 })).RunAsync(Harness.Items(2), Harness.JsonList, default);
        Assert.Equal(["Privacy"], Assert.Single(result.Successes).Value);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("q1", failure.Id);
        Assert.StartsWith("no acceptable answer in 3 attempts; last: parse: not a JSON list", failure.Reason);
        Assert.Equal("Privacy, I think", failure.LastAnswer!.Content);
        Assert.Equal(1 + 3, h.Server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(4, cache.Count());
    }

    [Fact]
    public async Task A_parser_fix_needs_no_new_request()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = _ => new FakeReply.Answer("```json\n[\"Violence\"]\n```");
        using var cache = h.Cache();
        var options = Harness.Fast(o => o with { MaxAttempts = 2 });
        var strict = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(5), Harness.JsonList, default);
        Assert.Equal(5, strict.Failures.Count);
        int sent = h.Server.Count(FakeOpenAiServer.Chat);
        Assert.Equal(10, sent);

        static ParseResult<List<string>> Fenced(ChatAnswer a) =>
            Harness.JsonList(a with { Content = a.Content.Replace("```json", "", StringComparison.Ordinal).Replace("```", "", StringComparison.Ordinal).Trim() });
        var fixedRun = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(5), Fenced, default);
        Assert.Equal(5, fixedRun.Successes.Count);
        Assert.Equal(["Violence"], fixedRun.Successes[0].Value);
        Assert.Equal(sent, h.Server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(0, fixedRun.Usage.RequestsSent);
    }

    [Fact]
    public async Task A_stage_budget_stops_sending_with_spent_and_limit_and_keeps_what_was_answered()
    {
        await using var h = await Harness.StartAsync();
        using var cache = h.Cache();
        // Each request reserves (~12 input + 100 output cap) tokens at $10 per million = ~$0.00112; answers cost (~7 + 8) tokens.
        var options = Harness.Fast(o => o with { Concurrency = 1, InputPricePerMillion = 10m, OutputPricePerMillion = 10m, Budget = 0.0015m });
        var ex = await Assert.ThrowsAsync<LlmBudgetExceededException>(() => new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(50), Harness.Text, default));
        Assert.Matches(@"stage Test budget would be exceeded \(spent \$0\.\d+ of \$0\.0015; the next request may cost up to \$0\.00\d+\)", ex.Message);
        int answered = h.Server.Count(FakeOpenAiServer.Chat);
        Assert.InRange(answered, 2, 9);
        Assert.Equal(answered, cache.Count());
    }

    [Fact]
    public async Task A_shared_build_budget_is_drawn_on_by_every_stage()
    {
        await using var h = await Harness.StartAsync();
        using var cache = h.Cache();
        var build = new LlmBudget(0.0002m);
        var options = Harness.Fast(o => o with { Concurrency = 1, InputPricePerMillion = 1m, OutputPricePerMillion = 1m, SharedBudget = build });
        var first = await new LlmRunner(h.Provider(), cache, options with { StageName = "Classify" }).RunAsync(Harness.Items(5, "a"), Harness.Text, default);
        Assert.Equal(5, first.Successes.Count);
        Assert.Equal(first.Usage.Cost, build.Spent);
        Assert.True(first.Usage.Cost > 0);
        var ex = await Assert.ThrowsAsync<LlmBudgetExceededException>(() =>
            new LlmRunner(h.Provider(), cache, options with { StageName = "Reason" }).RunAsync(Harness.Items(50, "b"), Harness.Text, default));
        Assert.Contains("Reason: stopped sending: the build budget would be exceeded", ex.Message);
        Assert.True(build.Spent <= build.Limit);
    }

    [Fact]
    public async Task The_failure_share_check_says_how_many_failed_and_that_successes_are_cached()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = c => new FakeReply.Answer(int.Parse(c.LastUser[10..], System.Globalization.CultureInfo.InvariantCulture) < 3 ? "nope" : "[\"Other\"]");
        using var cache = h.Cache();
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(Harness.Items(100), Harness.JsonList, default);
        Assert.Equal(3, result.Failures.Count);
        Assert.Same(result, result.ThrowIfFailureShareAbove(0.05, "Classify"));
        var ex = Assert.Throws<LlmRunException>(() => result.ThrowIfFailureShareAbove(0.02, "Classify"));
        Assert.StartsWith("Classify: 3 of 100 items failed (3.0%), more than the 2.0% allowed. First: q0: parse: not a JSON list: nope", ex.Message);
        Assert.Contains("The 97 successes and every answer received are in the request cache", ex.Message);
    }

    [Fact]
    public async Task Estimate_counts_only_first_attempts_the_cache_lacks_and_records_nothing()
    {
        await using var h = await Harness.StartAsync();
        using var cache = h.Cache();
        var options = Harness.Fast(o => o with { InputPricePerMillion = 2.5m, OutputPricePerMillion = 10m });
        var runner = new LlmRunner(h.Provider(), cache, options);
        await runner.RunAsync(Harness.Items(4), Harness.Text, default);
        using var fresh = h.Cache();
        var estimate = new LlmRunner(h.Provider(), fresh, options).Estimate(Harness.Items(10));
        Assert.Equal((10, 4, 6), (estimate.Items, estimate.CacheHits, estimate.Requests));
        Assert.Equal(6 * 100, estimate.MaxOutputTokens);
        Assert.Equal(6 * (3 + (4 + 2) + (4 + 3)), estimate.InputTokens); // framing, "classify" (8 bytes), "question qN" (11 bytes)
        Assert.Equal((estimate.InputTokens * 2.5m + estimate.MaxOutputTokens * 10m) / 1_000_000m, estimate.MaxCost);
        Assert.Empty(fresh.UsedKeys);
        Assert.Equal(4, h.Server.Count(FakeOpenAiServer.Chat));
    }

    [Fact]
    public async Task The_planted_key_never_reaches_the_cache_file_or_any_message()
    {
        await using var h = await Harness.StartAsync(serverChecksKey: true);
        var messages = new List<string>();
        using (var cache = h.Cache())
        {
            h.Server.Script = c => c.LastUser.EndsWith('1') ? new FakeReply.Status(400, Message: "bad request") : FakeReply.Echo(c);
            var result = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(Harness.Items(3), Harness.Text, default);
            messages.AddRange(result.Failures.Select(f => f.Reason));
            messages.Add(h.Provider().Identity);
        }
        Environment.SetEnvironmentVariable(h.KeyVariable, h.Key + "-wrong");
        using (var cache = h.Cache())
        {
            var ex = await Assert.ThrowsAsync<LlmRunException>(() => new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(Harness.Items(3, "z"), Harness.Text, default));
            messages.Add(ex.ToString());
        }
        messages.AddRange(h.Warnings);
        Assert.Contains(messages, m => m.Contains("HTTP 400", StringComparison.Ordinal));
        Assert.All(messages, m => Assert.DoesNotContain(h.Key, m));
        var bytes = h.FolderBytes();
        Assert.NotEmpty(bytes);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(h.Key)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(h.Key[..16])));
    }
}
