using System.Threading.RateLimiting;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Star1.Llm.Providers;

namespace Star1.Llm.Calling;

/// <summary>
/// How one request reaches the wire (Polly): retry with exponential backoff and jitter (or the endpoint's
/// Retry-After) on 429, 408, 5xx, timeouts, connection errors and malformed bodies; inside it a request-rate
/// limiter and a per-attempt timeout, and a token-rate limiter taken per attempt. A 4xx other than 408/429 is
/// not retried. The batch path's control calls (upload, create, poll, download) get the same retries without
/// the timeout or the rate limits (an upload of 200 MB may take longer than a chat request may).
/// </summary>
internal sealed class Transport : IDisposable
{
    private readonly ResiliencePipeline _chat, _control;
    private readonly RateLimiter? _requests;
    private readonly RateLimiter? _tokens;
    private readonly int _tokenBurst;
    private readonly LlmRunOptions _options;

    public Transport(LlmRunOptions options, TimeProvider time)
    {
        _options = options;
        _requests = options.RequestsPerMinute > 0 ? PerMinute(options.RequestsPerMinute, out _) : null;
        _tokens = options.TokensPerMinute > 0 ? PerMinute(options.TokensPerMinute, out _tokenBurst) : null;

        var chat = new ResiliencePipelineBuilder { TimeProvider = time };
        var control = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.TransportRetries > 0)
        {
            chat.AddRetry(RetryOptions(options));
            control.AddRetry(RetryOptions(options));
        }
        if (_requests is not null) chat.AddRateLimiter(_requests);
        chat.AddTimeout(options.RequestTimeout);
        _chat = chat.Build();
        _control = control.Build();
    }

    /// <summary>HTTP attempts made (each retry counts).</summary>
    public int Attempts => Volatile.Read(ref _attempts);
    private int _attempts;

    /// <summary>Sends a chat request; failures come out as <see cref="ChatTransportException"/> (timeouts included).</summary>
    public async Task<ChatAnswer> SendAsync(IChatProvider provider, ChatRequest request, int estimatedTokens, CancellationToken ct)
    {
        try
        {
            return await _chat.ExecuteAsync(async token =>
            {
                if (_tokens is not null)
                {
                    // A request larger than a whole second's budget takes the whole bucket rather than waiting forever.
                    using var lease = await _tokens.AcquireAsync(Math.Clamp(estimatedTokens, 1, _tokenBurst), token).ConfigureAwait(false);
                }
                Interlocked.Increment(ref _attempts);
                return await provider.CompleteAsync(request, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            throw new ChatTransportException(
                $"{provider.Identity}: no answer within {_options.RequestTimeout.TotalSeconds:0.###} s ({_options.TransportRetries} retries)", null, retryable: true);
        }
    }

    /// <summary>A batch-API control call with retries but no timeout or rate limit.</summary>
    public async Task<T> ControlAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        await _control.ExecuteAsync(async token => await call(token).ConfigureAwait(false), ct).ConfigureAwait(false);

    private static RetryStrategyOptions RetryOptions(LlmRunOptions o) => new()
    {
        ShouldHandle = new PredicateBuilder().Handle<ChatTransportException>(e => e.Retryable).Handle<TimeoutRejectedException>(),
        MaxRetryAttempts = o.TransportRetries,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = o.RetryBaseDelay,
        MaxDelay = o.MaxRetryDelay,
        // The endpoint knows best when it will take us again: honour Retry-After (capped), else back off.
        DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ChatTransportException { RetryAfter: { } wait }
            ? (TimeSpan?)(wait < o.MaxRetryDelay ? wait : o.MaxRetryDelay)
            : null),
    };

    /// <summary>
    /// A token bucket refilled in small steps (at least 50 ms apart) at exactly <paramref name="perMinute"/> a
    /// minute, holding at most one second's worth, so a limit is kept smoothly rather than as bursts of a minute.
    /// </summary>
    private static TokenBucketRateLimiter PerMinute(int perMinute, out int burst)
    {
        int step = (int)Math.Max(1, Math.Ceiling(perMinute * 0.05 / 60));
        burst = Math.Max(step, perMinute / 60);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = step,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) * step / perMinute,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public void Dispose()
    {
        _requests?.Dispose();
        _tokens?.Dispose();
    }
}
