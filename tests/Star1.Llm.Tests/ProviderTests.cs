using Star1.Llm.Providers;
using Star1.Llm.Testing;

namespace Star1.Llm.Tests;

public class ProviderTests
{
    private static ChatRequest Request(GenerationSettings settings) => new([ChatMessage.User("hello")], settings);

    [Fact]
    public async Task A_missing_key_names_the_variable_before_any_request()
    {
        await using var h = await Harness.StartAsync();
        // The key is read when the first request is about to go out: a stage with every answer cached needs none.
        var provider = new OpenAiChatProvider(h.Server.BaseUrl, "STAR1_NOT_SET_ANYWHERE");
        Assert.Equal(OpenAiChatProvider.IdentityFor(h.Server.BaseUrl), provider.Identity);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.CompleteAsync(Request(new GenerationSettings { Model = "m" }), CancellationToken.None));
        Assert.Contains("STAR1_NOT_SET_ANYWHERE", ex.Message);
        Assert.Equal(0, h.Server.Count(FakeOpenAiServer.Chat));
    }

    [Fact]
    public async Task Identity_is_kind_and_url_without_user_info_query_fragment_or_key()
    {
        await using var h = await Harness.StartAsync();
        var p = new OpenAiChatProvider("https://user:secretpw@api.example.com/v1/?api-key=abc#frag", h.KeyVariable);
        Assert.Equal("openai-compatible https://api.example.com/v1", p.Identity);
        Assert.DoesNotContain(h.Key, p.Identity);
        var bad = Assert.Throws<ArgumentException>(() => new OpenAiChatProvider("ftp://user:pw@x", h.KeyVariable));
        Assert.DoesNotContain("pw", bad.Message);
    }

    [Fact]
    public async Task Only_the_settings_that_are_set_are_sent()
    {
        await using var h = await Harness.StartAsync(serverChecksKey: true);
        var p = h.Provider();
        await p.CompleteAsync(Request(new GenerationSettings { Model = "r1", Temperature = 0.6, TopP = 0.7, MaxTokens = 8000 }), default);
        await p.CompleteAsync(Request(new GenerationSettings { Model = "gpt-4o", MaxCompletionTokens = 1024, Seed = 46 }), default);
        await p.CompleteAsync(Request(new GenerationSettings { Model = "vllm-served", RepetitionPenalty = 1.2 }), default);
        var (r1, gpt) = (h.Server.ChatBodies[0], h.Server.ChatBodies[1]);
        Assert.Equal(1.2, h.Server.ChatBodies[2].GetProperty("repetition_penalty").GetDouble());
        Assert.False(r1.TryGetProperty("repetition_penalty", out _));
        Assert.Equal("r1", r1.GetProperty("model").GetString());
        Assert.Equal(0.6, r1.GetProperty("temperature").GetDouble());
        Assert.Equal(0.7, r1.GetProperty("top_p").GetDouble());
        Assert.Equal(8000, r1.GetProperty("max_tokens").GetInt32());
        Assert.False(r1.TryGetProperty("max_completion_tokens", out _));
        Assert.False(r1.TryGetProperty("seed", out _));
        Assert.Equal(1024, gpt.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(46, gpt.GetProperty("seed").GetInt64());
        foreach (var absent in new[] { "temperature", "top_p", "max_tokens" }) Assert.False(gpt.TryGetProperty(absent, out _), absent);
        Assert.Equal("user", gpt.GetProperty("messages")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Reasoning_comes_from_reasoning_content_or_an_inline_think_block()
    {
        await using var h = await Harness.StartAsync();
        var p = h.Provider();
        h.Server.Script = c => c.LastUser == "separate"
            ? new FakeReply.Answer("I can't help with that.", ReasoningContent: "weigh the policy", PromptTokens: 12, CompletionTokens: 34)
            : new FakeReply.Answer("<think>\nweigh the policy\n</think>\n\nI can't help with that.", FinishReason: "length");
        var separate = await p.CompleteAsync(new ChatRequest([ChatMessage.User("separate")], new GenerationSettings { Model = "m" }), default);
        var inline = await p.CompleteAsync(new ChatRequest([ChatMessage.User("inline")], new GenerationSettings { Model = "m" }), default);
        Assert.Equal(("weigh the policy", "I can't help with that."), (separate.Reasoning, separate.Content));
        Assert.Equal((12, 34, "stop"), (separate.InputTokens, separate.OutputTokens, separate.FinishReason));
        Assert.Equal(separate.StoredText, inline.StoredText);
        Assert.Equal("length", inline.FinishReason);
    }

    [Fact]
    public async Task Http_errors_keep_status_and_retry_after_and_a_401_names_the_variable_not_the_key()
    {
        await using var h = await Harness.StartAsync();
        var p = h.Provider();
        h.Server.Script = c => c.LastUser switch
        {
            "busy" => new FakeReply.Status(429, RetryAfter: "7"),
            "bad" => new FakeReply.Status(400, Message: "unknown parameter"),
            _ => new FakeReply.Status(500),
        };
        var busy = await Assert.ThrowsAsync<ChatTransportException>(() => p.CompleteAsync(new ChatRequest([ChatMessage.User("busy")], new GenerationSettings { Model = "m" }), default));
        Assert.Equal((429, true, TimeSpan.FromSeconds(7)), (busy.Status, busy.Retryable, busy.RetryAfter));
        var bad = await Assert.ThrowsAsync<ChatTransportException>(() => p.CompleteAsync(new ChatRequest([ChatMessage.User("bad")], new GenerationSettings { Model = "m" }), default));
        Assert.Equal((400, false), (bad.Status, bad.Retryable));
        Assert.Contains("unknown parameter", bad.Message);

        await using var strict = await Harness.StartAsync(serverChecksKey: true);
        Environment.SetEnvironmentVariable(h.KeyVariable, h.Key); // a different key than the server wants: it echoes it back
        var wrong = new OpenAiChatProvider(strict.Server.BaseUrl, h.KeyVariable);
        var rejected = await Assert.ThrowsAsync<ApiKeyRejectedException>(() => wrong.CompleteAsync(new ChatRequest([ChatMessage.User("x")], new GenerationSettings { Model = "m" }), default));
        Assert.Contains(h.KeyVariable, rejected.Message);
        Assert.DoesNotContain(h.Key, rejected.ToString());
        Assert.Contains("***", rejected.Message); // the echoed key was scrubbed, not dropped silently
    }

    [Theory]
    [InlineData("120", 120.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("Sun, 29 Nov 2026 12:00:30 GMT", 30.0)]
    [InlineData("Sun, 29 Nov 2026 11:00:00 GMT", 0.0)]
    [InlineData("soon", -1.0)]
    public void Retry_after_reads_seconds_and_http_dates(string header, double expectedSeconds)
    {
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var parsed = RetryAfterHeader.Parse(header, now);
        if (expectedSeconds < 0) Assert.Null(parsed);
        else Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), parsed);
    }

    [Theory]
    [InlineData("https://myres.openai.azure.com/openai/v1", true)]
    [InlineData("https://myres.cognitiveservices.azure.com/openai/v1", true)]
    [InlineData("https://api.openai.com/v1", false)]
    [InlineData("https://openai.azure.com.evil.example/v1", false)]
    public void Only_azure_hosts_get_the_key_in_an_api_key_header(string url, bool azure) =>
        Assert.Equal(azure, AzureKeyHeader.Applies(new Uri(url)));

    [Fact]
    public async Task A_refused_connection_is_a_retryable_transport_error()
    {
        await using var h = await Harness.StartAsync();
        var url = h.Server.BaseUrl;
        await h.Server.DisposeAsync();
        var p = new OpenAiChatProvider(url, h.KeyVariable);
        var ex = await Assert.ThrowsAsync<ChatTransportException>(() => p.CompleteAsync(new ChatRequest([ChatMessage.User("x")], new GenerationSettings { Model = "m" }), default));
        Assert.True(ex.Retryable);
        Assert.Null(ex.Status);
        Assert.Contains("connection failed", ex.Message);
    }
}
