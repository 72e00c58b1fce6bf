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
    private readonly Dictionary<int, int> _scratch = new();

    public int Count => _terms.Count;

    public string TermOf(int id) => _terms[id];

    public bool TryGetId(string term, out int id) => _ids.TryGetValue(term, out id);

    public TermBag Bag(string text)
    {
        _scratch.Clear();
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        TfidfTokenizer.ForEachToken(text, token =>
        {
            if (!lookup.TryGetValue(token, out int id))
            {
                id = _terms.Count;
                string s = token.ToString();
                _ids.Add(s, id);
                _terms.Add(s);
            }
            _scratch[id] = _scratch.GetValueOrDefault(id) + 1;
        });
        if (_scratch.Count == 0) return TermBag.Empty;
        int[] terms = new int[_scratch.Count];
        int[] counts = new int[_scratch.Count];
        int k = 0;
        foreach (var (id, c) in _scratch) { terms[k] = id; counts[k] = c; k++; }
        Array.Sort(terms, counts);
        return new TermBag(terms, counts);
    }
}
