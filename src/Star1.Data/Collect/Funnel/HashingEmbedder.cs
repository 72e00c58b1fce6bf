namespace Star1.Data.Collect.Funnel;

/// <summary>
/// A fast, deterministic STAND-IN for a sentence embedding model, for tests and benchmarks only: it knows
/// nothing about meaning. A text becomes a bag of character trigrams: every token (TF-IDF tokenisation) is
/// wrapped in boundary marks ("&lt;word&gt;") and each of its 3-character windows adds +-1 to a dimension picked
/// by hashing the window. Texts that share words or word pieces ("hack" / "hacks") therefore come out
/// similar even where their TF-IDF vectors share no term, which is the kind of pair the embedding steps
/// exist to catch. Never use it for real data.
/// </summary>
public sealed class HashingEmbedder : ISentenceEmbedder
{
    private readonly int _dimension;

    public HashingEmbedder(int dimension = 384)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        _dimension = dimension;
    }

    public int Dimension => _dimension;

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
            result[i] = EmbedOne(texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts)));
        return result;
    }

    private float[] EmbedOne(string text)
    {
        var v = new float[_dimension];
        Span<char> padded = stackalloc char[66];
        string lower = TfidfTokenizer.Lower(text);
        foreach (Range r in TfidfTokenizer.Ranges(lower))
        {
            // Very long tokens are cut: their first 64 chars carry plenty of trigrams for a stand-in.
            ReadOnlySpan<char> t = lower.AsSpan(r);
            if (t.Length > 64) t = t[..64];
            Span<char> p = padded[..(t.Length + 2)];
            p[0] = '<';
            t.CopyTo(p[1..]);
            p[^1] = '>';
            for (int i = 0; i + 3 <= p.Length; i++)
            {
                ulong h = Fnv1a64.Hash(p.Slice(i, 3));
                int dim = (int)(h % (ulong)_dimension);
                // The top bit is independent of the bucket and picks the sign, so unrelated trigrams sharing a
                // bucket cancel on average instead of piling up.
                v[dim] += (h >> 63) == 0 ? 1f : -1f;
            }
        }
        return v;
    }
}
