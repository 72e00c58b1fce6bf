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
    private readonly NgramHash _hash;
    private readonly Dictionary<ulong, int> _byHash = new();
    private readonly Dictionary<string, int> _overflow = new(StringComparer.Ordinal);

    /// <param name="n">The n-gram size.</param>
    /// <param name="normalizedTextOf">Gives the normalised text of an owner id (used to confirm hits).</param>
    /// <param name="hash">The n-gram hash; FNV-1a by default. Tests pass a deliberately bad one to force collisions.</param>
    public NgramIndex(int n, Func<int, string> normalizedTextOf, NgramHash? hash = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _n = n;
        _normalizedTextOf = normalizedTextOf;
        _hash = hash ?? (static gram => Fnv1a64.Hash(gram));
    }

    public int N => _n;

    /// <summary>
    /// Entries held. An n-gram whose hash is already taken by another n-gram of the same owner needs no entry
    /// of its own (the hit is confirmed against that owner's text), so this can be below the distinct n-grams.
    /// </summary>
    public int Count => _byHash.Count + _overflow.Count;

    /// <summary>Adds every n-gram of <paramref name="normalized"/> with <paramref name="owner"/>, unless already present.</summary>
    public void Add(int owner, string normalized)
    {
        foreach (Range r in WordNgrams.Of(normalized, _n))
        {
            ReadOnlySpan<char> gram = normalized.AsSpan(r);
            ulong h = _hash(gram);
            if (!_byHash.TryGetValue(h, out int existing))
            {
                _byHash.Add(h, owner);
                continue;
            }
            // The holder of this hash already contains the n-gram (the same n-gram, or a colliding one of the
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
        if (_byHash.TryGetValue(_hash(gram), out owner) && OwnerHasGram(owner, gram)) return true;
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

/// <summary>Hashes one n-gram (a slice of a normalised text).</summary>
internal delegate ulong NgramHash(ReadOnlySpan<char> ngram);
