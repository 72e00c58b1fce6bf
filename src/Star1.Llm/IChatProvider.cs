namespace Star1.Llm;

/// <summary>
/// Something that answers chat requests: an OpenAI-compatible endpoint, or an offline stand-in. Stages see
/// only this, so the default profile and the paper's go through the same code.
/// </summary>
public interface IChatProvider
{
    /// <summary>
    /// What besides the request decides the answer, as it enters the request cache key: the provider kind and
    /// the endpoint without its secret parts (no key, no user info, no query), or a stand-in's name and code
    /// hash. Never a key.
    /// </summary>
    string Identity { get; }

    /// <summary>Sends one request. Transport failures throw; retrying is the caller's job.</summary>
    Task<ChatAnswer> CompleteAsync(ChatRequest request, CancellationToken ct);
}
