namespace Star1.Data.Collect.Funnel;

/// <summary>
/// A set of word n-grams, each remembered with the first document ("owner") that contributed it.
/// </summary>
/// <remarks>
/// Keys are 64-bit FNV-1a hashes of the n-gram text, not the strings, so the index costs a fixed ~20 bytes per
/// distinct n-gram however long the words are. Hash collisions are not trusted: a hit is confirmed by finding
/// the same n-gram text in the owner's normalised text, and an n-gram whose hash is already taken by a
/// different n-gram goes to a small string-keyed overflow table. Decisions are therefore exactly those of a
/// string set; the hashes only save memory.
/// </remarks>
internal sealed class NgramIndex
{
    private readonly int _n;
    private readonly Func<int, string> _normalizedTextOf;
    private readonly Dictionary<ulong, int> _byHash = new();
    private readonly Dictionary<string, int> _overflow = new(StringComparer.Ordinal);

    /// <param name="n">The n-gram size.</param>
    /// <param name="normalizedTextOf">Gives the normalised text of an owner id (used to confirm hits).</param>
    public NgramIndex(int n, Func<int, string> normalizedTextOf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _n = n;
        _normalizedTextOf = normalizedTextOf;
    }

    public int N => _n;

    /// <summary>Number of distinct n-grams stored.</summary>
    public int Count => _byHash.Count + _overflow.Count;

    /// <summary>Adds every n-gram of <paramref name="normalized"/> with <paramref name="owner"/>, unless already present.</summary>
    public void Add(int owner, string normalized)
    {
        foreach (Range r in WordNgrams.Of(normalized, _n))
        {
            ReadOnlySpan<char> gram = normalized.AsSpan(r);
            ulong h = Fnv1a64.Hash(gram);
            if (!_byHash.TryGetValue(h, out int existing))
            {
                _byHash.Add(h, owner);
                continue;
            }
            if (OwnerHasGram(existing, gram)) continue; // the same n-gram, first owner wins
            _overflow.TryAdd(gram.ToString(), owner);
        }
    }

    /// <summary>
    /// The first n-gram of <paramref name="normalized"/> (in word order) that the index holds, with its owner.
    /// </summary>
    public bool TryFindShared(string normalized, out int owner, out string sharedNgram)
    {
        foreach (Range r in WordNgrams.Of(normalized, _n))
        {
            ReadOnlySpan<char> gram = normalized.AsSpan(r);
            if (TryFind(gram, out owner))
            {
                sharedNgram = gram.ToString();
                return true;
            }
        }
        owner = -1;
        sharedNgram = "";
        return false;
    }

    private bool TryFind(ReadOnlySpan<char> gram, out int owner)
    {
        if (_byHash.TryGetValue(Fnv1a64.Hash(gram), out owner) && OwnerHasGram(owner, gram)) return true;
        if (_overflow.Count > 0 && _overflow.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(gram, out owner))
            return true;
        owner = -1;
        return false;
    }

    private bool OwnerHasGram(int owner, ReadOnlySpan<char> gram)
    {
        string text = _normalizedTextOf(owner);
        foreach (Range r in WordNgrams.Of(text, _n))
            if (text.AsSpan(r).SequenceEqual(gram)) return true;
        return false;
    }
}
