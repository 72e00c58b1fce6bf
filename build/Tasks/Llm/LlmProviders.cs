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
}
