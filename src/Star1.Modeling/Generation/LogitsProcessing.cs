using static TorchSharp.torch;

namespace Star1.Modeling.Generation;

/// <summary>The logits transforms of Hugging Face's generate, applied in its order: repetition penalty,
/// then temperature, then top-p. Logits are [B, V].</summary>
public static class LogitsProcessing
{
    /// <summary>transformers' RepetitionPenaltyLogitsProcessor: for each token id marked in
    /// <paramref name="seen"/> ([B, V] bool), logit &gt; 0 becomes logit / penalty and logit &lt; 0 becomes
    /// logit * penalty, so a repeated token always gets less likely.</summary>
    public static Tensor RepetitionPenalty(Tensor logits, Tensor seen, double penalty)
    {
        if (penalty == 1.0) return logits;
        var penalised = where(logits.lt(0), logits * penalty, logits / penalty);
        return where(seen, penalised, logits);
    }

    /// <summary>transformers' TopPLogitsWarper: sort ascending, drop the tokens whose cumulative probability
    /// stays at or below 1 - p, always keep the most likely token. Dropped logits become -inf.</summary>
    public static Tensor TopP(Tensor logits, double p)
    {
        if (p >= 1.0) return logits;
        var (sorted, order) = logits.sort(-1, descending: false);
        var cumulative = sorted.softmax(-1).cumsum(-1);
        var removeSorted = cumulative.le(1 - p);
        removeSorted.index_fill_(-1, tensor(new long[] { logits.shape[^1] - 1 }, device: logits.device), false);
        var remove = removeSorted.scatter(-1, order, removeSorted);
        return logits.masked_fill(remove, double.NegativeInfinity);
    }
}
