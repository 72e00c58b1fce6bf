using Star1.Data.Collect.Funnel;
using Star1.Data.StandIns;
using Star1.Llm;
using Star1.Llm.Calling;
using Star1.Llm.Providers;
using Star1.Pipeline.Params;

namespace Star1.Build.Tasks.Llm;

/// <summary>
/// The providers of params.yaml (llm.providers.NAME) as a stage sees them. What decides answers (the kind and
/// the endpoint) enters the stage's fingerprint; how requests are sent (concurrency, limits, prices, the key's
/// variable, batch mode) does not, so raising a rate limit re-runs nothing.
/// </summary>
internal static class LlmProviders
{
    public const string Group = "llm.providers";

    /// <summary>The fingerprinted keys of the provider a stage names.</summary>
    public static IEnumerable<string> KeysFor(EffectiveParams parameters, string stageGroup)
    {
        var name = parameters.Get($"{stageGroup}.provider").AsString();
        if (parameters.Find($"{Group}.{name}") is null) return [];
        return [$"{Group}.{name}.kind", $"{Group}.{name}.base_url"];
    }

    /// <summary>Why a stage cannot use the provider it names (unknown name, unknown kind), or null.</summary>
    public static string? Problem(EffectiveParams parameters, string stageGroup)
    {
        var node = parameters.Get($"{stageGroup}.provider");
        var name = node.AsString();
        if (parameters.Find($"{Group}.{name}") is null)
        {
            var known = parameters.Get(Group).Keys;
            return $"{stageGroup}.provider is '{name}' ({node.Origin}), which is not under {Group}; known: {string.Join(", ", known)}";
        }
        var kind = parameters.Get($"{Group}.{name}.kind").AsString();
        if (kind is not ("offline" or "openai")) return $"{Group}.{name}.kind is '{kind}'; expected offline or openai";
        // The stand-ins answer only for their own model names: say so once, not once per item.
        var model = parameters.Get($"{stageGroup}.model");
        if (kind == "offline" && !Star1.Data.StandIns.OfflineProvider.Models.Contains(model.AsString()))
            return $"{stageGroup}.model is '{model.AsString()}' ({model.Origin}), but provider '{name}' is the offline stand-ins, which answer only as {string.Join(", ", Star1.Data.StandIns.OfflineProvider.Models)}";
        return null;
    }

    /// <summary>The named provider, ready to send (an endpoint reads its key only when a request goes out).</summary>
    public static IChatProvider Open(Func<string, ParamNode> param, string name, Func<Type, string> codeHashOf)
    {
        var prefix = $"{Group}.{name}";
        return param($"{prefix}.kind").AsString() == "offline"
            ? new OfflineProvider(OfflineTag(codeHashOf), () => new MiniLmEmbedder())
            : new OpenAiChatProvider(param($"{prefix}.base_url").AsString(), param($"{prefix}.key_env").AsString());
    }

    /// <summary>The provider's cache identity without opening it (no key needed): what --dryrun looks up.</summary>
    public static string IdentityOf(Func<string, ParamNode> param, string name, Func<Type, string> codeHashOf)
    {
        var prefix = $"{Group}.{name}";
        return param($"{prefix}.kind").AsString() == "offline"
            ? OfflineProvider.IdentityFor(OfflineTag(codeHashOf))
            : OpenAiChatProvider.IdentityFor(param($"{prefix}.base_url").AsString());
    }

    /// <summary>
    /// Stand-in answers are keyed by the stand-ins' code and by the embedder handed to them (made here, so not
    /// reachable from the provider's own code): an edit to either answers afresh.
    /// </summary>
    private static string OfflineTag(Func<Type, string> codeHashOf) =>
        $"code {codeHashOf(typeof(OfflineProvider))[..16]} embedder {codeHashOf(typeof(MiniLmEmbedder))[..16]}";

    /// <summary>How a stage sends through the named provider: its limits and prices, the stage's tries, budgets and timeout.</summary>
    public static LlmRunOptions RunOptions(Func<string, ParamNode> param, string name, string stageName, int maxAttempts,
        double stageBudgetUsd, LlmBudget? buildBudget, TimeSpan timeout, bool requireStop = true)
    {
        var prefix = $"{Group}.{name}";
        return new LlmRunOptions
        {
            StageName = stageName,
            MaxAttempts = maxAttempts,
            RequireStop = requireStop,
            Concurrency = (int)param($"{prefix}.concurrency").AsInt(),
            RequestsPerMinute = (int)param($"{prefix}.requests_per_minute").AsInt(),
            TokensPerMinute = (int)param($"{prefix}.tokens_per_minute").AsInt(),
            RequestTimeout = timeout,
            TransportRetries = (int)param("llm.request_retries").AsInt(),
            InputPricePerMillion = (decimal)param($"{prefix}.input_price").AsDouble(),
            OutputPricePerMillion = (decimal)param($"{prefix}.output_price").AsDouble(),
            Budget = stageBudgetUsd > 0 ? (decimal)stageBudgetUsd : null,
            SharedBudget = buildBudget,
            UseBatch = param($"{prefix}.batch").AsBool(),
            Batch = new LlmBatchOptions { PollInterval = TimeSpan.FromSeconds(param("llm.batch_poll_seconds").AsDouble()) },
        };
    }
}
