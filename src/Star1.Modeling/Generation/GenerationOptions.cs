namespace Star1.Modeling.Generation;

/// <summary>How to continue prompts. Defaults are greedy decoding with no penalty (PAPER.md section 6's
/// safety settings are Temperature 0, TopP 1, RepetitionPenalty 1.2).</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>0 (or less): greedy, the arg-max token. Above 0: logits are divided by it and sampled.</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches TopP (1: all).
    /// Only used when sampling.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Hugging Face semantics: for every token already in the prompt or the output, a positive
    /// logit is divided by this and a negative one multiplied by it. 1: off.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>A row stops after producing one of these (the stop token is part of its output).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Fills the left padding of shorter prompts and the slots of finished rows; masked out,
    /// so any id works. Padding never counts for the repetition penalty.</summary>
    public int PadTokenId { get; init; }

    /// <summary>Seeds the sampler; the same seed, prompts and model give the same samples.</summary>
    public long Seed { get; init; } = 46;

    /// <summary>Keep keys and values between steps (the normal way). False recomputes the whole sequence
    /// every step: only for checking the cache and for the benchmark.</summary>
    public bool UseKvCache { get; init; } = true;
}

public enum StopReason { StopToken, MaxNewTokens }

/// <summary>One prompt's continuation: the new token ids (ending with the stop token when one was hit).</summary>
public sealed record GenerationResult(int[] Tokens, StopReason Reason);
