using System.ClientModel.Primitives;

namespace Star1.Llm.Providers;

/// <summary>
/// Azure OpenAI's OpenAI-compatible endpoint (https://RESOURCE.openai.azure.com/openai/v1) reads API keys from
/// an <c>api-key</c> header rather than <c>Authorization: Bearer</c>; on Azure hosts the key goes in both.
/// It goes to no other host than the one that already receives it.
/// </summary>
internal sealed class AzureKeyHeader(string key) : PipelinePolicy
{
    public static bool Applies(Uri endpoint) =>
        endpoint.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase) ||
        endpoint.Host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase) ||
        endpoint.Host.EndsWith(".services.ai.azure.com", StringComparison.OrdinalIgnoreCase);

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        message.Request.Headers.Set("api-key", key);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        message.Request.Headers.Set("api-key", key);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }
}
