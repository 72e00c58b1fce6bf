using System.Diagnostics;
using Star1.Llm.Calling;
using Star1.Llm.Testing;

namespace Star1.Llm.Tests;

/// <summary>Retries, timeouts, fatal errors, concurrency and rate limits, counted at the fake server.</summary>
public class RunnerTransportTests
{
    [Fact]
    public async Task A_429_is_retried_after_the_retry_after_it_asked_for()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = c => c.SeenBefore == 0 ? new FakeReply.Status(429, RetryAfter: "1") : FakeReply.Echo(c);
        using var cache = h.Cache();
        var clock = Stopwatch.StartNew();
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(Harness.Items(1), Harness.Text, default);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed}, before the 1 s Retry-After");
        Assert.Single(result.Successes);
        Assert.Equal(2, h.Server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(2, result.Usage.RequestsSent);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("malformed")]
    [InlineData("hang")]
    public async Task Transient_failures_are_retried_and_the_answer_is_accepted(string kind)
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = c => c.SeenBefore > 0 ? FakeReply.Echo(c) : kind switch
        {
            "500" => new FakeReply.Status(500),
            "malformed" => new FakeReply.Malformed(),
            _ => new FakeReply.Hang(),
        };
        using var cache = h.Cache();
        var options = Harness.Fast(o => o with { RequestTimeout = TimeSpan.FromMilliseconds(400) });
        var result = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(3), Harness.Text, default);
        Assert.Equal(3, result.Successes.Count);
        Assert.Equal("echo: question q1", result.Successes[1].Value);
        Assert.Equal(6, h.Server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(0, result.Successes[1].Attempt); // a transport retry is not a re-ask
    }

    [Fact]
    public async Task Retries_run_out_and_the_item_fails_with_the_reason()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = c => c.LastUser.EndsWith('1') ? new FakeReply.Status(503, Message: "overloaded") : FakeReply.Echo(c);
        using var cache = h.Cache();
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast(o => o with { TransportRetries = 2 })).RunAsync(Harness.Items(3), Harness.Text, default);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("q1", failure.Id);
        Assert.Contains("HTTP 503", failure.Reason);
        Assert.Contains("overloaded", failure.Reason);
        Assert.Null(failure.LastAnswer);
        Assert.Equal(2 + 3, h.Server.Count(FakeOpenAiServer.Chat)); // two good items once, the bad one 1 + 2 retries
    }

    [Fact]
    public async Task A_timeout_that_persists_fails_the_item_naming_the_timeout()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = _ => new FakeReply.Hang();
        using var cache = h.Cache();
        var options = Harness.Fast(o => o with { RequestTimeout = TimeSpan.FromMilliseconds(1000), TransportRetries = 1 });
        var result = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(1), Harness.Text, default);
        Assert.Contains("no answer within 1 s", Assert.Single(result.Failures).Reason);
        Assert.Equal(2, result.Usage.RequestsSent);
        // On a loaded machine a timed-out attempt can be cancelled before the server has read it.
        Assert.InRange(h.Server.Count(FakeOpenAiServer.Chat), 1, 2);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_fails_the_item()
    {
        await using var h = await Harness.StartAsync();
        var provider = h.Provider();
        await h.Server.DisposeAsync();
        using var cache = h.Cache();
        var result = await new LlmRunner(provider, cache, Harness.Fast(o => o with { TransportRetries = 2 })).RunAsync(Harness.Items(2), Harness.Text, default);
        Assert.Equal(2, result.Failures.Count);
        Assert.Contains("connection failed", result.Failures[0].Reason);
        Assert.Equal(6, result.Usage.RequestsSent); // 1 + 2 retries each
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = _ => new FakeReply.Status(400, Message: "max_tokens is too large");
        using var cache = h.Cache();
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast()).RunAsync(Harness.Items(2), Harness.Text, default);
        Assert.Equal(2, result.Failures.Count);
        Assert.Contains("HTTP 400", result.Failures[0].Reason);
        Assert.Contains("max_tokens is too large", result.Failures[0].Reason);
        Assert.Equal(2, h.Server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(0, cache.Count());
    }

    [Fact]
    public async Task A_rejected_key_stops_the_whole_run_naming_the_variable()
    {
        await using var h = await Harness.StartAsync();
        await using var strict = await FakeOpenAiServer.StartAsync(requiredKey: "sk-the-right-one");
        using var cache = h.Cache();
        var runner = new LlmRunner(new Providers.OpenAiChatProvider(strict.BaseUrl, h.KeyVariable), cache, Harness.Fast(o => o with { Concurrency = 2 }));
        var ex = await Assert.ThrowsAsync<LlmRunException>(() => runner.RunAsync(Harness.Items(200), Harness.Text, default));
        Assert.Contains($"rejected the API key in the environment variable {h.KeyVariable}", ex.Message);
        Assert.DoesNotContain(h.Key, ex.ToString());
        Assert.InRange(strict.Count(FakeOpenAiServer.Rejected), 1, 4); // at most what was in flight, not 200
        Assert.Equal(0, strict.Count(FakeOpenAiServer.Chat));
    }

    [Fact]
    public async Task Concurrency_is_bounded()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Latency = TimeSpan.FromMilliseconds(60);
        using var cache = h.Cache();
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast(o => o with { Concurrency = 5 })).RunAsync(Harness.Items(40), Harness.Text, default);
        Assert.Equal(40, result.Successes.Count);
        Assert.Equal(5, h.Server.MaxInFlight);
    }

    [Fact]
    public async Task The_request_rate_limit_is_kept()
    {
        await using var h = await Harness.StartAsync();
        using var cache = h.Cache();
        // 1,200 a minute = 20 a second with a burst of one second's worth: 50 requests need at least 1.5 s.
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast(o => o with { Concurrency = 16, RequestsPerMinute = 1200 })).RunAsync(Harness.Items(50), Harness.Text, default);
        Assert.Equal(50, result.Successes.Count);
        var arrivals = h.Server.ChatArrivals.Order().ToList();
        var span = arrivals[^1] - arrivals[0];
        Assert.True(span >= TimeSpan.FromSeconds(1.3), $"50 requests arrived within {span.TotalSeconds:0.00} s");
        // No one-second window holds more than the burst plus one second's refill.
        for (int i = 0; i < arrivals.Count; i++)
            Assert.True(arrivals.Count(t => t >= arrivals[i] && t < arrivals[i] + TimeSpan.FromSeconds(1)) <= 41);
    }

    [Fact]
    public async Task The_token_rate_limit_is_kept()
    {
        await using var h = await Harness.StartAsync();
        using var cache = h.Cache();
        // Each request is estimated at ~12 input + 100 output tokens; 6,000 a minute = 100 a second: about one request a second after the burst.
        var options = Harness.Fast(o => o with { Concurrency = 8, TokensPerMinute = 6000 });
        var clock = Stopwatch.StartNew();
        var result = await new LlmRunner(h.Provider(), cache, options).RunAsync(Harness.Items(3), Harness.Text, default);
        Assert.Equal(3, result.Successes.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"3 requests of ~112 tokens under 100 tokens/s took only {clock.Elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Results_come_back_in_item_order_whatever_order_answers_arrive_in()
    {
        await using var h = await Harness.StartAsync();
        h.Server.Script = c =>
        {
            Thread.Sleep(int.Parse(c.LastUser[^1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 ? 80 : 0);
            return FakeReply.Echo(c);
        };
        using var cache = h.Cache();
        var progress = new ListProgress();
        var items = Harness.Items(10);
        var result = await new LlmRunner(h.Provider(), cache, Harness.Fast(o => o with { Concurrency = 10 }), progress).RunAsync(items, Harness.Text, default);
        Assert.Equal(items.Select(i => i.Id), result.Successes.Select(s => s.Id));
        Assert.Equal(items.Select(i => "echo: question " + i.Id), result.Successes.Select(s => s.Value));
        Assert.Equal(10, progress.Reports.Count);
        Assert.Equal(10, progress.Reports.Max(p => p.Done));
        Assert.All(progress.Reports, p => Assert.Equal(10, p.Total));
    }
}
