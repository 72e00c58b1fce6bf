using Star1.Llm.Cache;
using Star1.Llm.Calling;
using Star1.Llm.Testing;

namespace Star1.Llm.Tests;

/// <summary>Batch mode against the fake server's /v1/files and /v1/batches.</summary>
public class BatchTests
{
    private static LlmRunOptions BatchOptions(Func<LlmRunOptions, LlmRunOptions>? change = null) =>
        Harness.Fast(o => (change ?? (x => x))(o with { UseBatch = true }));

    [Fact]
    public async Task Batch_mode_answers_through_files_and_batches_and_re_asks_in_the_next_round()
    {
        await using var h = await Harness.StartAsync(serverChecksKey: true);
        // q1's first answer is cut off: the re-ask goes out as a second batch.
        h.Server.Script = c => c.LastUser.EndsWith("q1", StringComparison.Ordinal) && c.SeenBefore == 0
            ? new FakeReply.Answer("<think>\ncut", FinishReason: "length")
            : FakeReply.Echo(c);
        using var cache = h.Cache();
        var options = BatchOptions(o => o with { MaxAttempts = 2, RequireStop = true, InputPricePerMillion = 1m, OutputPricePerMillion = 2m });
        var result = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(5), Harness.Text, default);

        Assert.Equal(5, result.Successes.Count);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"echo: question q{i}"), result.Successes.Select(s => s.Value));
        Assert.Equal(1, result.Successes[1].Attempt);
        Assert.Equal(0, h.Server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(2, h.Server.Count(FakeOpenAiServer.CreateBatch));
        Assert.Equal(2, h.Server.Count(FakeOpenAiServer.Upload));
        Assert.Equal(6, cache.Count());
        Assert.Equal((6, 0), (result.Usage.RequestsSent, result.Usage.CacheHits));
        Assert.True(result.Usage.Cost > 0);
        Assert.Empty(cache.OpenBatches());

        // The same items again: all from the cache, no batch.
        var again = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(5), Harness.Text, default);
        Assert.Equal((0, 6), (again.Usage.RequestsSent, again.Usage.CacheHits));
        Assert.Equal(2, h.Server.Count(FakeOpenAiServer.CreateBatch));
    }

    [Fact]
    public async Task Large_inputs_are_split_within_the_request_and_byte_limits()
    {
        await using var h = await Harness.StartAsync();
        using var cache = h.Cache();
        var byCount = await new LlmRunner(h.Provider(), cache, BatchOptions(o => o with { Batch = o.Batch with { MaxRequestsPerBatch = 3 } }))
            .RunAsync(Harness.Items(7, "a"), Harness.Text, default);
        Assert.Equal(7, byCount.Successes.Count);
        Assert.Equal(3, h.Server.Count(FakeOpenAiServer.CreateBatch));
        // Each line is ~330 bytes: 2 KB hold 6 of them, so 10 requests need two files.
        var byBytes = await new LlmRunner(h.Provider(), cache, BatchOptions(o => o with { Batch = o.Batch with { MaxBytesPerBatch = 2048 } }))
            .RunAsync(Harness.Items(10, "b"), Harness.Text, default);
        Assert.Equal(10, byBytes.Successes.Count);
        Assert.Equal(5, h.Server.Count(FakeOpenAiServer.CreateBatch));
    }

    [Fact]
    public async Task A_run_killed_while_a_batch_is_in_flight_resumes_by_polling_it_not_by_paying_again()
    {
        await using var h = await Harness.StartAsync();
        h.Server.HoldBatches = true;
        var items = Harness.Items(6);
        using (var cts = new CancellationTokenSource())
        using (var cache = h.Cache())
        {
            var run = new LlmRunner(h.Provider(), cache, BatchOptions()).RunAsync(items, Harness.Text, cts.Token);
            while (h.Server.Count(FakeOpenAiServer.GetBatch) < 2) await Task.Delay(10);
            await cts.CancelAsync(); // the "crash": the batch is created and recorded, nothing is collected
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            Assert.Equal(new BatchRecord("batch_2", "file-1", 6, RequestCache.BatchSubmitted), Assert.Single(cache.OpenBatches()));
            Assert.Equal(0, cache.Count());
        }
        h.Server.HoldBatches = false;
        using (var cache = h.Cache())
        {
            var resumed = await new LlmRunner(h.Provider(), cache, BatchOptions()).RunAsync(items, Harness.Text, default);
            Assert.Equal(6, resumed.Successes.Count);
            Assert.Equal(0, resumed.Usage.RequestsSent);
            Assert.Equal(6 * 8, resumed.Usage.OutputTokens); // the answers are new to this run even though it sent nothing
            Assert.Empty(cache.OpenBatches());
        }
        Assert.Equal((1, 1), (h.Server.Count(FakeOpenAiServer.CreateBatch), h.Server.Count(FakeOpenAiServer.Upload)));
    }

    [Fact]
    public async Task Lines_that_fail_in_a_batch_are_retried_or_failed_by_their_status()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = c => c.LastUser switch
        {
            "question q0" => new FakeReply.Status(400, Message: "bad"),
            "question q1" when c.SeenBefore == 0 => new FakeReply.Status(500),
            _ => FakeReply.Echo(c),
        };
        using var cache = h.Cache();
        var result = await new LlmRunner(h.Provider(), cache, BatchOptions()).RunAsync(Harness.Items(3), Harness.Text, default);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("q0", failure.Id);
        Assert.Contains("HTTP 400", failure.Reason);
        Assert.Equal(["q1", "q2"], result.Successes.Select(s => s.Id));
        Assert.Equal(2, h.Server.Count(FakeOpenAiServer.CreateBatch)); // q1's 500 went into the second round
    }

    [Fact]
    public async Task A_rejected_key_stops_a_batch_run_naming_the_variable()
    {
        await using var h = await Harness.StartAsync();
        await using var strict = await FakeOpenAiServer.StartAsync(requiredKey: "sk-the-right-one");
        using var cache = h.Cache();
        var runner = new LlmRunner(new Providers.OpenAiChatProvider(strict.BaseUrl, h.KeyVariable), cache, BatchOptions());
        var ex = await Assert.ThrowsAsync<LlmRunException>(() => runner.RunAsync(Harness.Items(3), Harness.Text, default));
        Assert.StartsWith($"Test: openai-compatible {strict.BaseUrl} rejected the API key in the environment variable {h.KeyVariable}", ex.Message);
        Assert.DoesNotContain(h.Key, ex.ToString());
        Assert.Equal(1, strict.Count(FakeOpenAiServer.Rejected)); // the upload, not retried
        Assert.Equal(0, strict.Count(FakeOpenAiServer.Upload));
    }

    [Fact]
    public async Task A_batch_that_would_pass_the_budget_is_not_created()
    {
        await using var h = await Harness.StartAsync();
        using var cache = h.Cache();
        var options = BatchOptions(o => o with { InputPricePerMillion = 10m, OutputPricePerMillion = 10m, Budget = 0.001m });
        var ex = await Assert.ThrowsAsync<LlmBudgetExceededException>(() => new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(20), Harness.Text, default));
        Assert.Contains("the next 20 requests may cost up to", ex.Message);
        Assert.Equal(0, h.Server.Count(FakeOpenAiServer.CreateBatch));
    }
}
