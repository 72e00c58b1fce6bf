namespace Star1.Data.Collect.Funnel;

/// <summary>
/// The raw term counts of one document: term ids in ascending order with their counts. This is the part of
/// TF-IDF that does not depend on which documents the vectoriser is fitted on, so each question is
/// tokenised once and re-weighted for every fit.
/// </summary>
internal sealed class TermBag
{
    public static readonly TermBag Empty = new([], []);

    public TermBag(int[] terms, int[] counts)
    {
        Terms = terms;
        Counts = counts;
    }

    /// <summary>Term ids, strictly ascending.</summary>
    public int[] Terms { get; }

    /// <summary>Occurrences of each term, parallel to <see cref="Terms"/>.</summary>
    public int[] Counts { get; }
}

/// <summary>
/// Maps tokens to dense term ids (in first-seen order) and turns texts into <see cref="TermBag"/>s.
/// One dictionary serves a whole funnel run, so ids are stable across the per-source fits.
/// </summary>
internal sealed class TermDictionary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _terms = new();
    private readonly List<int> _scratch = new();

    public int Count => _terms.Count;

    public string TermOf(int id) => _terms[id];

    public bool TryGetId(string term, out int id) => _ids.TryGetValue(term, out id);

    public TermBag Bag(string text)
    {
        string lower = TfidfTokenizer.Lower(text);
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _scratch.Clear();
        foreach (Range r in TfidfTokenizer.Ranges(lower))
        {
            ReadOnlySpan<char> token = lower.AsSpan(r);
            if (!lookup.TryGetValue(token, out int id))
            {
                id = _terms.Count;
                string s = token.ToString();
                _ids.Add(s, id);
                _terms.Add(s);
            }
            _scratch.Add(id);
        }
        if (_scratch.Count == 0) return TermBag.Empty;

        // Sort the ids and count runs: the bag is the distinct ids, ascending, with their counts.
        _scratch.Sort();
        int distinct = 1;
        for (int i = 1; i < _scratch.Count; i++) if (_scratch[i] != _scratch[i - 1]) distinct++;
        int[] terms = new int[distinct];
        int[] counts = new int[distinct];
        int k = -1;
        for (int i = 0; i < _scratch.Count; i++)
        {
            if (i == 0 || _scratch[i] != _scratch[i - 1]) terms[++k] = _scratch[i];
            counts[k]++;
        }
        return new TermBag(terms, counts);
    }
}
