namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Finds, for a query vector, the indexed vectors whose cosine with it is at least a threshold, without
/// comparing the query against every indexed vector. All vectors must be L2-normalised (norm 1) or empty.
/// </summary>
/// <remarks>
/// <para>An inverted index (term -> ids of the documents containing it) already restricts a query to the
/// documents sharing a term with it, but common words ("how", "to") would still make every query touch
/// almost every document. So each document is indexed only under part of its terms, with a bound that
/// loses nothing (the "prefix filtering" idea from exact all-pairs similarity search):</para>
/// <para>Order a document's terms from most to least common. Its prefix P is the longest run of leading terms
/// whose weights satisfy sqrt(sum w^2) &lt; threshold; only the remaining terms are posted. If a query q
/// shares no posted term with document d, all shared terms lie in P, and by Cauchy-Schwarz
/// q.d &lt;= |q| |d_P| &lt; 1 * threshold. So every document with q.d &gt;= threshold is found through a posted term.
/// The candidates are then scored with the full exact dot product (<see cref="SparseVector.Dot"/>), so the
/// decision for each pair is the same float64 comparison a dense similarity matrix would make.</para>
/// <para>The prefix bound is tightened by a relative 1e-9 so that rounding in the weights can never push a
/// true match out of the candidates. Memory is the stored vectors plus one int per posted term occurrence.</para>
/// </remarks>
internal sealed class CosineIndex
{
    private readonly double _threshold;
    private readonly double _prefixLimitSquared;
    private readonly int[] _rank;
    private readonly List<int>?[] _postings;
    private readonly List<SparseVector> _docs = new();
    private int[] _seenStamp = new int[16];
    private int _stamp;
    private readonly List<int> _candidates = new();

    /// <param name="threshold">The similarity a match needs; must be in (0, 1] for the bound to hold.</param>
    /// <param name="prefixRank">Rank of each term id: lower ranks (common terms) go into the unindexed prefix first.</param>
    public CosineIndex(double threshold, int[] prefixRank)
    {
        if (!(threshold > 0 && threshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The cosine threshold must be in (0, 1].");
        _threshold = threshold;
        _prefixLimitSquared = threshold * threshold * (1 - 1e-9);
        _rank = prefixRank;
        _postings = new List<int>?[prefixRank.Length];
    }

    public int Count => _docs.Count;

    /// <summary>Total posted term occurrences (for diagnostics: how much the prefix bound saved).</summary>
    public long PostedTerms { get; private set; }

    public SparseVector this[int id] => _docs[id];

    /// <summary>Indexes <paramref name="v"/> and returns its id (ids are 0, 1, 2, ... in order of addition).</summary>
    public int Add(SparseVector v)
    {
        int id = _docs.Count;
        _docs.Add(v);
        if (id >= _seenStamp.Length) Array.Resize(ref _seenStamp, _seenStamp.Length * 2);
        if (v.IsEmpty) return id; // an all-zero vector has cosine 0 with everything: never a match

        int[] terms = v.Terms;
        double[] w = v.Weights;
        int[] order = new int[terms.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => _rank[terms[a]].CompareTo(_rank[terms[b]]));
        double prefix = 0;
        int k = 0;
        for (; k < order.Length; k++)
        {
            double next = prefix + w[order[k]] * w[order[k]];
            if (next >= _prefixLimitSquared) break;
            prefix = next;
        }
        for (; k < order.Length; k++)
        {
            int t = terms[order[k]];
            (_postings[t] ??= new List<int>()).Add(id);
            PostedTerms++;
        }
        return id;
    }

    /// <summary>
    /// The indexed vector most similar to <paramref name="q"/> among those with cosine &gt;= threshold
    /// (highest score, then lowest id), or false if there is none.
    /// </summary>
    public bool TryFindBest(SparseVector q, out int bestId, out double bestScore)
    {
        bestId = -1;
        bestScore = double.NegativeInfinity;
        if (q.IsEmpty || _docs.Count == 0) return false;
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_seenStamp);
            _stamp = 1;
        }
        _candidates.Clear();
        foreach (int t in q.Terms)
        {
            if (t >= _postings.Length) continue;
            List<int>? list = _postings[t];
            if (list is null) continue;
            foreach (int d in list)
            {
                if (_seenStamp[d] == _stamp) continue;
                _seenStamp[d] = _stamp;
                _candidates.Add(d);
            }
        }
        foreach (int d in _candidates)
        {
            double s = SparseVector.Dot(q, _docs[d]);
            if (s >= _threshold && (s > bestScore || (s == bestScore && d < bestId)))
            {
                bestScore = s;
                bestId = d;
            }
        }
        return bestId >= 0;
    }
}
