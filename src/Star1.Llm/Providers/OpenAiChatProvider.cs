using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using OpenAI;
using OpenAI.Chat;

namespace Star1.Llm.Providers;

/// <summary>
/// Any OpenAI-compatible chat endpoint (OpenAI, DeepSeek, vLLM, Ollama, NIM, Azure's OpenAI-compatible v1
/// endpoint, which also gets the key in its <c>api-key</c> header) through the official SDK. The SDK brings authentication, the endpoint and the HTTP pipeline;
/// the JSON is ours (<see cref="ChatJson"/>) so that exactly the settings a stage set are sent and
/// <c>reasoning_content</c> can be read. The SDK's own retry policy is switched off: retries, timeouts and
/// rate limits are the runner's (Polly), counted and bounded in one place.
/// </summary>
public sealed class OpenAiChatProvider : IChatProvider
{
    private readonly Lazy<(string Key, OpenAIClient Client)> _connection;
    private readonly ConcurrentDictionary<string, ChatClient> _chats = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <param name="baseUrl">e.g. https://api.openai.com/v1, https://api.deepseek.com/v1, http://localhost:8000/v1.
    /// User info, query and fragment are neither sent nor hashed.</param>
    /// <param name="apiKeyVariable">the NAME of the environment variable that holds the key; read when the first
    /// request is about to go out (a stage whose answers are all cached needs no key), so a missing key stops
    /// the run before anything is sent, naming the variable.</param>
    /// <param name="networkTimeout">the SDK's socket-level limit; keep it above the runner's per-request timeout,
    /// which is the one meant to fire.</param>
    public OpenAiChatProvider(string baseUrl, string apiKeyVariable, TimeSpan? networkTimeout = null, TimeProvider? time = null)
    {
        var uri = EndpointIdentity.Parse(baseUrl);
        Endpoint = EndpointIdentity.Public(uri);
        KeyVariable = apiKeyVariable;
        _time = time ?? TimeProvider.System;
        var timeout = networkTimeout ?? TimeSpan.FromMinutes(10);
        _connection = new(() => Connect(apiKeyVariable, timeout));
    }

    private (string Key, OpenAIClient Client) Connect(string apiKeyVariable, TimeSpan networkTimeout)
    {
        var key = ApiKey.FromEnvironment(apiKeyVariable, Endpoint);
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(Endpoint),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = networkTimeout,
            // No SDK logging: requests carry prompts and headers we do not want in any log.
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false, EnableMessageLogging = false, EnableMessageContentLogging = false },
        };
        if (AzureKeyHeader.Applies(options.Endpoint)) options.AddPolicy(new AzureKeyHeader(key), PipelinePosition.PerCall);
        return (key, new OpenAIClient(new ApiKeyCredential(key), options));
    }

    /// <summary>The cache identity of an endpoint, without a key or a connection (what --dryrun looks up).</summary>
    public static string IdentityFor(string baseUrl) => "openai-compatible " + EndpointIdentity.Public(EndpointIdentity.Parse(baseUrl));

    /// <summary>The key, once read; empty before (nothing can echo a key that was never sent).</summary>
    private string KeyOrEmpty => _connection.IsValueCreated ? _connection.Value.Key : "";

    /// <summary>The base URL without user info, query or fragment.</summary>
    public string Endpoint { get; }

    /// <summary>The name of the environment variable the key came from (for messages; never the value).</summary>
    public string KeyVariable { get; }

    public string Identity => "openai-compatible " + Endpoint;

    /// <summary>The SDK client, for the batch path (Files and Batch clients on the same endpoint and key).</summary>
    internal OpenAIClient Client => _connection.Value.Client;

    public async Task<ChatAnswer> CompleteAsync(ChatRequest request, CancellationToken ct)
    {
        var chat = _chats.GetOrAdd(request.Settings.Model, Client.GetChatClient);
        using var body = BinaryContent.Create(BinaryData.FromBytes(ChatJson.RequestBytes(request)));
        var options = new RequestOptions { CancellationToken = ct, ErrorOptions = ClientErrorBehaviors.NoThrow };
        var response = await SendAsync(() => chat.CompleteChatAsync(body, options), ct).ConfigureAwait(false);
        try { return ChatJson.ReadAnswer(response.Content.ToMemory().Span); }
        catch (FormatException ex)
        {
            // A proxy hiccup or a truncated body: the same request may well succeed, so this is retryable.
            throw new ChatTransportException($"{Identity} sent a malformed chat completion: {ex.Message}", response.Status, retryable: true);
        }
    }

    /// <summary>
    /// Runs one SDK call with errors turned into <see cref="ChatTransportException"/>: connection failures and
    /// the SDK's network timeout become retryable errors, HTTP errors keep their status and Retry-After, and a
    /// 401 becomes <see cref="ApiKeyRejectedException"/>. Cancellation by the caller passes through unchanged.
    /// </summary>
    internal Task<PipelineResponse> SendAsync(Func<Task<ClientResult>> call, CancellationToken ct) =>
        SendAsync(async () => (await call().ConfigureAwait(false)).GetRawResponse(), ct);

    internal async Task<PipelineResponse> SendAsync(Func<Task<PipelineResponse>> call, CancellationToken ct)
    {
        PipelineResponse response;
        try { response = await call().ConfigureAwait(false); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ChatTransportException($"{Identity}: no response within the network timeout", null, retryable: true);
        }
        catch (ClientResultException ex) when (!ct.IsCancellationRequested)
        {
            // The SDK's typed calls throw on an HTTP error; otherwise it means no HTTP response at all (refused, reset, DNS).
            if (ex.GetRawResponse() is { Status: >= 400 } failed) throw ErrorFor(failed);
            throw new ChatTransportException($"{Identity}: connection failed ({Describe(ex)})", null, retryable: true);
        }
        catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
        {
            throw new ChatTransportException($"{Identity}: connection failed ({Describe(ex)})", null, retryable: true);
        }
        if (response.Status >= 400) throw ErrorFor(response);
        return response;
    }

    private ChatTransportException ErrorFor(PipelineResponse response)
    {
        int status = response.Status;
        var said = ChatJson.ErrorMessage(response.Content.ToMemory().Span);
        var detail = said is null ? "" : ": " + Clip(ApiKey.Scrub(said, KeyOrEmpty));
        if (status == 401)
            return new ApiKeyRejectedException(
                $"{Identity} rejected the API key in the environment variable {KeyVariable} (HTTP 401{detail}); " +
                $"check that {KeyVariable} holds a valid key for this endpoint", status);
        var retryAfter = RetryAfterHeader.Parse(response.Headers, _time.GetUtcNow());
        return new ChatTransportException($"{Identity} answered HTTP {status} {response.ReasonPhrase}{detail}".TrimEnd(),
            status, ChatTransportException.IsRetryableStatus(status), retryAfter);
    }

    // The innermost message says what went wrong on the socket; keys never appear there, but scrub anyway.
    private string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return Clip(ApiKey.Scrub(inner.Message, KeyOrEmpty));
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
