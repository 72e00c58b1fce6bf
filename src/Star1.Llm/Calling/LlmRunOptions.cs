namespace Star1.Llm.Calling;

/// <summary>
/// How a stage calls a model: acceptance (the paper's N tries, stop-only), transport (concurrency, rate
/// limits, timeout, retries), accounting (prices, budgets) and batch mode. None of it enters a request's
/// cache key: these decide how answers are obtained, not what a request asks.
/// </summary>
public sealed record LlmRunOptions
{
    /// <summary>For messages: the stage that runs (e.g. "Reason").</summary>
    public string StageName { get; init; } = "LLM stage";

    /// <summary>Tries per item (the paper: 3 for Classify, 10 for Reason). Each try is its own cache entry.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Accept only answers with finish_reason "stop" (the paper's rule for R1: a cut-off answer is re-asked).</summary>
    public bool RequireStop { get; init; }

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Requests per minute; 0 = unlimited. Every HTTP attempt, retries included, takes one.</summary>
    public int RequestsPerMinute { get; init; }

    /// <summary>Tokens per minute (estimated input + the output cap, before sending); 0 = unlimited.</summary>
    public int TokensPerMinute { get; init; }

    /// <summary>Per HTTP attempt (the paper: 300 s for R1). A request past it is abandoned and retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries of one request after a 429, 408, 5xx, timeout, connection error or malformed body.</summary>
    public int TransportRetries { get; init; } = 6;

    /// <summary>First backoff delay (doubled each retry, with jitter) when the endpoint gave no Retry-After.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between retries, Retry-After included.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>USD per million input tokens (0 when unknown or free: a local vLLM).</summary>
    public decimal InputPricePerMillion { get; init; }

    /// <summary>USD per million output tokens.</summary>
    public decimal OutputPricePerMillion { get; init; }

    /// <summary>What this stage may spend in this run, in USD; null = no stage limit.</summary>
    public decimal? Budget { get; init; }

    /// <summary>A budget shared by every stage of the build (thread-safe); null = none.</summary>
    public LlmBudget? SharedBudget { get; init; }

    /// <summary>Output tokens assumed for a request that sets no max_tokens / max_completion_tokens (cost and TPM estimates).</summary>
    public int AssumedMaxOutputTokens { get; init; } = 4096;

    /// <summary>Send what the cache lacks through the provider's Batch API instead of one request at a time.</summary>
    public bool UseBatch { get; init; }

    public LlmBatchOptions Batch { get; init; } = new();

    internal void Validate()
    {
        if (MaxAttempts < 1) throw new ArgumentException($"{StageName}: MaxAttempts must be at least 1 (was {MaxAttempts})");
        if (Concurrency < 1) throw new ArgumentException($"{StageName}: Concurrency must be at least 1 (was {Concurrency})");
        if (RequestsPerMinute < 0 || TokensPerMinute < 0) throw new ArgumentException($"{StageName}: rate limits must be 0 (unlimited) or positive");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException($"{StageName}: RequestTimeout must be positive (was {RequestTimeout})");
        if (TransportRetries < 0) throw new ArgumentException($"{StageName}: TransportRetries must be 0 or more (was {TransportRetries})");
        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero) throw new ArgumentException($"{StageName}: retry delays cannot be negative");
        if (InputPricePerMillion < 0 || OutputPricePerMillion < 0) throw new ArgumentException($"{StageName}: prices cannot be negative");
        if (Budget is < 0) throw new ArgumentException($"{StageName}: Budget cannot be negative (was {Budget})");
        if (AssumedMaxOutputTokens < 1) throw new ArgumentException($"{StageName}: AssumedMaxOutputTokens must be positive");
        Batch.Validate(StageName);
    }
}

/// <summary>Batch API settings. The limits are the API's (50,000 requests, 200 MB per input file); tests use small ones.</summary>
public sealed record LlmBatchOptions
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxRequestsPerBatch { get; init; } = 50_000;
    public long MaxBytesPerBatch { get; init; } = 200L * 1000 * 1000;
    public string CompletionWindow { get; init; } = "24h";

    internal void Validate(string stage)
    {
        if (PollInterval <= TimeSpan.Zero) throw new ArgumentException($"{stage}: Batch.PollInterval must be positive");
        if (MaxRequestsPerBatch < 1) throw new ArgumentException($"{stage}: Batch.MaxRequestsPerBatch must be at least 1");
        if (MaxBytesPerBatch < 1024) throw new ArgumentException($"{stage}: Batch.MaxBytesPerBatch must be at least 1 KB");
    }
}
