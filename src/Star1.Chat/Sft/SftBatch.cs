namespace Star1.Chat.Sft;

/// <summary>
/// A padded batch, row-major <c>[Size, Length]</c> as the tensors want it (int64: what embedding lookups and
/// cross-entropy targets take). Padding is on the right with the end-of-turn id (the paper pads with EOS), with
/// label -100 and attention mask 0, so padding changes neither the loss nor what the real tokens attend to.
/// </summary>
public sealed record SftBatch(int Size, int Length, long[] InputIds, long[] Labels, long[] AttentionMask, IReadOnlyList<string> Keys)
{
    /// <summary>Tokens that count in the loss (labels other than -100).</summary>
    public int TrainedTokens => Labels.Count(l => l != SftOptions.IgnoreIndex);

    /// <summary>Real (unpadded) tokens, what tokens per second counts.</summary>
    public int RealTokens => (int)AttentionMask.Sum();

    /// <summary>Pads <paramref name="sequences"/> to the longest of them, or to <paramref name="padTo"/> when given
    /// (a fixed shape; it must fit the longest).</summary>
    public static SftBatch Collate(IReadOnlyList<SftSequence> sequences, int padId, int? padTo = null)
    {
        if (sequences.Count == 0) throw new ArgumentException("a batch needs at least one sequence", nameof(sequences));
        var longest = sequences.Max(s => s.Length);
        var length = padTo ?? longest;
        if (length < longest) throw new ArgumentException($"padTo {length} is shorter than the longest sequence ({longest}, item {sequences.First(s => s.Length == longest).Key})", nameof(padTo));

        var ids = new long[sequences.Count * length];
        var labels = new long[ids.Length];
        var mask = new long[ids.Length];
        Array.Fill(ids, padId);
        Array.Fill(labels, SftOptions.IgnoreIndex);
        for (var row = 0; row < sequences.Count; row++)
        {
            var s = sequences[row];
            for (var t = 0; t < s.Length; t++)
            {
                ids[row * length + t] = s.InputIds[t];
                labels[row * length + t] = s.Labels[t];
                mask[row * length + t] = 1;
            }
        }
        return new SftBatch(sequences.Count, length, ids, labels, mask, [.. sequences.Select(s => s.Key)]);
    }
}
