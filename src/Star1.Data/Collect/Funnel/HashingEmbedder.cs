namespace Star1.Data.Collect.Funnel;

/// <summary>
/// A fast, deterministic STAND-IN for a sentence embedding model, for tests and benchmarks only: it has no
/// notion of meaning. Each word (TF-IDF tokenisation) and each adjacent word pair adds +-1 (pairs +-0.5) to a
/// dimension chosen by hashing it, so texts sharing many words get similar vectors. Never use it for real data.
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
        ulong previous = 0;
        bool havePrevious = false;
        TfidfTokenizer.ForEachToken(text, token =>
        {
            ulong h = Fnv1a64.Hash(token);
            AddFeature(v, h, 1f);
            if (havePrevious) AddFeature(v, Mix(previous, h), 0.5f);
            previous = h;
            havePrevious = true;
        });
        return v;
    }

    private void AddFeature(float[] v, ulong h, float weight)
    {
        int dim = (int)(h % (ulong)_dimension);
        // A second, independent bit picks the sign so unrelated features cancel on average.
        v[dim] += (h >> 63) == 0 ? weight : -weight;
    }

    private static ulong Mix(ulong a, ulong b)
    {
        ulong x = a * 0x9E3779B97F4A7C15UL ^ b;
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        return x ^ (x >> 29);
    }
}
