namespace Star1.Data.Collect.Funnel;

/// <summary>
/// A set of word n-grams, each remembered with the first document ("owner") that contributed it.
/// </summary>
/// <remarks>
/// <para>Keys are 64-bit hashes, not strings, so the index costs a fixed ~20 bytes per n-gram however long its
/// words are. A word is hashed once (FNV-1a of its characters) and an n-gram's key is a polynomial of its
/// word hashes, updated in O(1) as the window slides, so hashing a text costs O(its length), not O(length x n).</para>
/// <para>Hash collisions are never trusted: a hit is confirmed by finding the same n-gram text in the owner's
/// normalised text, and an n-gram whose key is held by an owner that does not contain it goes to a small
/// string-keyed overflow table. Decisions are therefore exactly those of a set of n-gram strings; the hashes
/// only save memory and time. (With ~10 million n-grams a 64-bit collision is itself a ~1e-5 event.)</para>
/// </remarks>
internal sealed class NgramIndex
{
    private const ulong Base = 0x9E3779B97F4A7C15UL; // odd: multiplying by it loses no bits mod 2^64

    private readonly int _n;
    private readonly Func<int, string> _normalizedTextOf;
    private readonly ulong _hashMask;
    private readonly ulong _baseToNMinus1;
    private readonly Dictionary<ulong, int> _byHash = new();
    private readonly Dictionary<string, int> _overflow = new(StringComparer.Ordinal);

    /// <param name="n">The n-gram size.</param>
    /// <param name="normalizedTextOf">Gives the normalised text of an owner id (used to confirm hits).</param>
    /// <param name="hashMask">ANDed into every key. Only tests change it, to force collisions (0 makes every key equal).</param>
    public NgramIndex(int n, Func<int, string> normalizedTextOf, ulong hashMask = ulong.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _n = n;
        _normalizedTextOf = normalizedTextOf;
        _hashMask = hashMask;
        _baseToNMinus1 = 1;
        for (int i = 1; i < n; i++) _baseToNMinus1 *= Base;
    }

    public int N => _n;

    /// <summary>
    /// Entries held. An n-gram whose key is already held by an owner that contains it needs no entry of its
    /// own, so this can be below the number of distinct n-grams when keys collide.
    /// </summary>
    public int Count => _byHash.Count + _overflow.Count;

    /// <summary>Adds every n-gram of <paramref name="normalized"/> with <paramref name="owner"/>, unless already present.</summary>
    public void Add(int owner, string normalized)
    {
        foreach ((Range r, ulong h) in Grams(normalized))
        {
            if (!_byHash.TryGetValue(h, out int existing))
            {
                _byHash.Add(h, owner);
                continue;
            }
            ReadOnlySpan<char> gram = normalized.AsSpan(r);
            // The holder of this key already contains the n-gram (the same n-gram, or a colliding one of the
            // same text): lookups will hit and confirm it, so the earlier owner stays and nothing is added.
            if (OwnerHasGram(existing, gram)) continue;
            _overflow.TryAdd(gram.ToString(), owner);
        }
    }

    /// <summary>
    /// The first n-gram of <paramref name="normalized"/> (in word order) that the index holds, with its owner.
    /// </summary>
    public bool TryFindShared(string normalized, out int owner, out string sharedNgram)
    {
        foreach ((Range r, ulong h) in Grams(normalized))
        {
            ReadOnlySpan<char> gram = normalized.AsSpan(r);
            if ((_byHash.TryGetValue(h, out owner) && OwnerHasGram(owner, gram))
                || (_overflow.Count > 0 && _overflow.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(gram, out owner)))
            {
                sharedNgram = gram.ToString();
                return true;
            }
        }
        owner = -1;
        sharedNgram = "";
        return false;
    }

    /// <summary>The n-gram ranges of a normalised text (see <see cref="WordNgrams"/>) with their keys.</summary>
    private List<(Range Range, ulong Hash)> Grams(string normalized)
    {
        int[] starts = TextNormalizer.WordStarts(normalized);
        var result = new List<(Range, ulong)>(Math.Max(1, starts.Length - _n + 1));
        if (starts.Length < _n)
        {
            // Fewer than n words: the whole text is the single n-gram (the empty text included).
            ulong whole = 0;
            for (int w = 0; w < starts.Length; w++) whole = whole * Base + WordHash(normalized, starts, w);
            result.Add((new Range(0, normalized.Length), whole & _hashMask));
            return result;
        }
        var words = new ulong[starts.Length];
        for (int w = 0; w < starts.Length; w++) words[w] = WordHash(normalized, starts, w);
        ulong h = 0;
        for (int w = 0; w < _n; w++) h = h * Base + words[w];
        for (int i = 0; ; i++)
        {
            int lastWord = i + _n - 1;
            int end = lastWord + 1 < starts.Length ? starts[lastWord + 1] - 1 : normalized.Length;
            result.Add((new Range(starts[i], end), h & _hashMask));
            if (lastWord + 1 >= starts.Length) break;
            h = (h - words[i] * _baseToNMinus1) * Base + words[lastWord + 1]; // slide the window one word
        }
        return result;
    }

    private static ulong WordHash(string text, int[] starts, int w)
    {
        int end = w + 1 < starts.Length ? starts[w + 1] - 1 : text.Length;
        return Fnv1a64.Hash(text.AsSpan(starts[w], end - starts[w]));
    }

    private bool OwnerHasGram(int owner, ReadOnlySpan<char> gram)
    {
        string text = _normalizedTextOf(owner);
        foreach (Range r in WordNgrams.Of(text, _n))
            if (text.AsSpan(r).SequenceEqual(gram)) return true;
        return false;
    }
}
