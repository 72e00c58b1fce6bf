using Star1.Build.Tests.Support;
using Star1.Data.Deliberation;
using Star1.Llm.Testing;
using static Star1.Build.Tests.LlmStagesTests;

namespace Star1.Build.Tests;

/// <summary>
/// Classify and Reason against an OpenAI-compatible endpoint (a fake one on 127.0.0.1) through the real host:
/// the paper profile's path, with a key that must never reach a file or the console.
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed class LlmEndpointTests(DemoPipeline demo) : IAsyncLifetime
{
    private const string Key = "sk-planted-3c1f7b2a9e4d";
    private readonly string keyVariable = "STAR1_TEST_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private FakeOpenAiServer server = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(keyVariable, Key);
        server = await FakeOpenAiServer.StartAsync(requiredKey: Key);
        // A GPT-4o stand-in that files every question under Privacy, and an R1 stand-in that reasons separately.
        server.Script = chat => chat.Model switch
        {
            "gpt-test" => new FakeReply.Answer("```json\n[\"Privacy / Personal Data\"]\n```"),
            "r1-test" => new FakeReply.Answer("I can't help with that.", ReasoningContent: "The privacy policy, rule 1, applies."),
            _ => new FakeReply.Status(404, Message: $"no model {chat.Model}"),
        };
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(keyVariable, null);
        await server.DisposeAsync();
    }

    private string[] Endpoint(params string[] more) =>
    [
        "--set", $"llm.providers.openai.base_url={server.BaseUrl}", "--set", $"llm.providers.openai.key_env={keyVariable}",
        "--set", "classify.provider=openai", "--set", "classify.model=gpt-test",
        "--set", "reason.provider=openai", "--set", "reason.model=r1-test",
        // The real limits would pace 188 requests of up to 8,000 tokens each over minutes; a fake endpoint has none.
        "--set", "llm.providers.openai.tokens_per_minute=0", "--set", "llm.providers.openai.requests_per_minute=0",
        .. more,
    ];

    [Fact]
    public async Task AnswersFromTheEndpointAreStoredInTheReleasedFormAndTheKeyIsNowhere()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run(["--target", "Reason", .. Endpoint()]));
        var output = repo.Output;
        Assert.Equal(2 * 188, server.Count(FakeOpenAiServer.Chat));

        var classified = DatasetJson.ReadClassified(repo.PathOf("artifacts", "classify", "classified.json"));
        Assert.All(classified, c => Assert.Equal([SafetyCategories.Privacy], c.Category));
        var reasoned = DatasetJson.ReadReasoned(repo.PathOf("artifacts", "reason", "reasoned.json"));
        Assert.All(reasoned, r => Assert.Equal("<think>\nThe privacy policy, rule 1, applies.\n</think>\n\nI can't help with that.", r.Response));
        Assert.Equal(188 * 30, Metrics(repo, "Reason").GetProperty("input_tokens").GetInt32() + Metrics(repo, "Reason").GetProperty("output_tokens").GetInt32());

        // Forced again: every answer comes from the request cache; the endpoint sees nothing new.
        Assert.Equal(0, await repo.Run(["--target", "Reason", "--force", .. Endpoint()]));
        Assert.Equal(2 * 188, server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(188, Metrics(repo, "Classify").GetProperty("cache_hits").GetInt32());
        output += repo.Output;

        // The key: not in the console, not in any file the build wrote (lock, run records, caches, SQLite and WAL).
        Assert.DoesNotContain(Key, output);
        var leaks = Directory.EnumerateFiles(repo.PathOf("artifacts"), "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Key)) >= 0).ToList();
        Assert.Empty(leaks);
        Assert.Contains(keyVariable, File.ReadAllText(repo.PathOf("artifacts", "runs", "latest.json")));
    }

    [Fact]
    public async Task AMissingKeyStopsTheStageNamingTheVariableAndACachedStageNeedsNone()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run(["--target", "Classify", .. Endpoint()]));
        var sent = server.Count(FakeOpenAiServer.Chat);

        // Everything is cached: a forced re-run needs no key at all.
        var unset = "STAR1_TEST_UNSET_" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, await repo.Run(["--target", "Classify", "--force-stage", "Classify", .. Endpoint("--set", $"llm.providers.openai.key_env={unset}")]));
        Assert.Equal(sent, server.Count(FakeOpenAiServer.Chat));

        // A new model has nothing cached: the stage stops before sending, naming the variable.
        Assert.NotEqual(0, await repo.Run(["--target", "Classify", .. Endpoint("--set", $"llm.providers.openai.key_env={unset}", "--set", "classify.model=gpt-other")]));
        Assert.Contains($"environment variable {unset}, which is not set", repo.Output);
        Assert.Equal(sent, server.Count(FakeOpenAiServer.Chat));
    }

    [Fact]
    public async Task ARejectedKeyStopsTheWholeStageAtOnce()
    {
        using var repo = demo.Copy();
        var wrong = "STAR1_TEST_WRONG_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(wrong, "sk-wrong-key-000");
        try
        {
            Assert.NotEqual(0, await repo.Run(["--target", "Classify", .. Endpoint("--set", $"llm.providers.openai.key_env={wrong}")]));
        }
        finally
        {
            Environment.SetEnvironmentVariable(wrong, null);
        }
        Assert.Contains($"rejected the API key in the environment variable {wrong}", repo.Output);
        Assert.DoesNotContain("sk-wrong-key-000", repo.Output);
        // Stopped, not 188 failures: only the requests already in flight reached the server.
        Assert.True(server.Count(FakeOpenAiServer.Rejected) <= 32, $"{server.Count(FakeOpenAiServer.Rejected)} rejected requests");
    }

    [Fact]
    public async Task ABuildBudgetStopsBeforeTheRequestThatWouldCrossIt()
    {
        using var repo = demo.Copy();
        // $1,000 per million tokens: each request may cost about $1.6 at worst (input estimate + output cap), $0.03 as answered.
        Assert.NotEqual(0, await repo.Run(["--target", "Classify", .. Endpoint("--set", "llm.providers.openai.input_price=1000",
            "--set", "llm.providers.openai.output_price=1000", "--set", "llm.build_budget_usd=5", "--set", "llm.providers.openai.concurrency=1")]));
        Assert.Contains("the build budget would be exceeded", repo.Output);
        var sent = server.Count(FakeOpenAiServer.Chat);
        Assert.InRange(sent, 1, 187);
        // Stopped at the last request that could not cross $5 even at its worst: what was spent stays under it.
        var spent = Metrics(repo, "Classify").GetProperty("cost_usd").GetDouble();
        Assert.InRange(spent, 3, 5);
        // What was answered before the stop is cached: raising the budget sends only the rest.
        Assert.Equal(0, await repo.Run(["--target", "Classify", .. Endpoint("--set", "llm.providers.openai.input_price=1000",
            "--set", "llm.providers.openai.output_price=1000", "--set", "llm.build_budget_usd=0")]));
        Assert.Equal(188, server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(sent, Metrics(repo, "Classify").GetProperty("cache_hits").GetInt32());
    }

    [Fact]
    public async Task BatchModeGoesThroughTheBatchApiAndFillsTheSameRequestCache()
    {
        using var repo = demo.Copy();
        var code = await repo.Run(["--target", "Classify", .. Endpoint("--set", "llm.providers.openai.batch=true", "--set", "llm.batch_poll_seconds=1")]);
        Assert.True(code == 0, repo.Output);
        Assert.Equal(0, server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(1, server.Count(FakeOpenAiServer.CreateBatch));
        var classified = DatasetJson.ReadClassified(repo.PathOf("artifacts", "classify", "classified.json"));
        Assert.Equal(188, classified.Count);
        Assert.All(classified, c => Assert.Equal([SafetyCategories.Privacy], c.Category));

        // Online now: every answer is in the request cache already, nothing is sent either way.
        Assert.Equal(0, await repo.Run(["--target", "Classify", "--force-stage", "Classify", .. Endpoint()]));
        Assert.Equal(0, server.Count(FakeOpenAiServer.Chat));
        Assert.Equal(188, Metrics(repo, "Classify").GetProperty("cache_hits").GetInt32());
    }
}
