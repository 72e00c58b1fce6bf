namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Finds, for a query vector, the indexed vectors whose cosine with it is at least a threshold, without
/// comparing the query against every indexed vector. All vectors must be L2-normalised (norm 1) or empty.
/// </summary>
/// <remarks>
/// <para>An inverted index (term -> documents containing it, with their weights) restricts a query to the
/// documents sharing a term with it, but common words ("how", "to") would still make every query touch
/// almost every document. So each document is posted under only part of its terms, with bounds that lose
/// nothing (the prefix-filtering idea from exact all-pairs similarity search):</para>
/// <para><b>Prefix.</b> Order a document's terms from most to least common. Its prefix P is the longest run
/// of leading terms with sqrt(sum w^2) &lt; threshold; only the other terms are posted. If a query q shares
/// no posted term with document d, all shared terms lie in P, and by Cauchy-Schwarz
/// q.d &lt;= |q| |d_P| &lt; 1 * threshold. So every document reaching the threshold is touched by a posting.</para>
/// <para><b>Accumulate, then bound.</b> Walking the query's postings adds up A = the part of q.d over d's
/// posted terms. The unposted part is at most |d_P| times the norm of q's terms that are at least as common
/// as d's last prefix term (those are the only terms P can contain). Only documents whose A plus that bound
/// reaches the threshold are scored exactly, with the full ordered dot product
/// (<see cref="SparseVector.Dot"/>), so each decision is the same float64 comparison a dense similarity
/// matrix would make.</para>
/// <para>Both bounds carry a relative 1e-9 of slack, so float rounding in the weights can never hide a true
/// match. Memory: the stored vectors, 12 bytes per posted term occurrence, and two numbers per document.</para>
/// </remarks>
internal sealed class CosineIndex
{
    private const double Slack = 1e-9;

    private readonly double _threshold;
    private readonly double _prefixLimitSquared;
    private readonly int[] _rank;
    private readonly Postings?[] _postings;
    private readonly List<SparseVector> _docs = new();
    private readonly List<double> _prefixNorm = new();    // |d_P|
    private readonly List<int> _prefixMaxRank = new();    // rank of d's last prefix term, -1 if P is empty
    private double[] _acc = new double[16];
    private bool[] _touched = new bool[16];
    private readonly List<int> _touchedList = new();
    private int[] _queryRanks = [];
    private double[] _queryRankNorms = [];

    /// <param name="threshold">The similarity a match needs; must be in (0, 1] for the bounds to hold.</param>
    /// <param name="prefixRank">Rank of each term id: lower ranks (common terms) go into the unposted prefix first.</param>
    public CosineIndex(double threshold, int[] prefixRank)
    {
        if (!(threshold > 0 && threshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The cosine threshold must be in (0, 1].");
        _threshold = threshold;
        _prefixLimitSquared = threshold * threshold * (1 - Slack);
        _rank = prefixRank;
        _postings = new Postings?[prefixRank.Length];
    }

    public int Count => _docs.Count;

    /// <summary>Total posted term occurrences (for diagnostics: how much the prefix bound saved).</summary>
    public long PostedTerms { get; private set; }

    /// <summary>Documents scored exactly so far (for diagnostics: how much the accumulate-and-bound step saved).</summary>
    public long ExactScores { get; private set; }

    /// <summary>Indexes <paramref name="v"/> and returns its id (ids are 0, 1, 2, ... in order of addition).</summary>
    public int Add(SparseVector v)
    {
        int id = _docs.Count;
        _docs.Add(v);
        if (id >= _acc.Length)
        {
            Array.Resize(ref _acc, _acc.Length * 2);
            Array.Resize(ref _touched, _touched.Length * 2);
        }
        if (v.IsEmpty) // an all-zero vector has cosine 0 with everything: never a match, never posted
        {
            _prefixNorm.Add(0);
            _prefixMaxRank.Add(-1);
            return id;
        }

        int[] terms = v.Terms;
        double[] w = v.Weights;
        int[] byRank = new int[terms.Length];
        int[] ranks = new int[terms.Length];
        for (int i = 0; i < terms.Length; i++) { byRank[i] = i; ranks[i] = _rank[terms[i]]; }
        Array.Sort(ranks, byRank);
        double prefix = 0;
        int k = 0;
        for (; k < byRank.Length; k++)
        {
            double next = prefix + w[byRank[k]] * w[byRank[k]];
            if (next >= _prefixLimitSquared) break;
            prefix = next;
        }
        _prefixNorm.Add(Math.Sqrt(prefix));
        _prefixMaxRank.Add(k == 0 ? -1 : ranks[k - 1]);
        for (; k < byRank.Length; k++)
        {
            int t = terms[byRank[k]];
            (_postings[t] ??= new Postings()).Add(id, w[byRank[k]]);
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

        // 1. Accumulate q.d over posted terms for every document sharing one.
        int[] qt = q.Terms;
        double[] qw = q.Weights;
        for (int i = 0; i < qt.Length; i++)
        {
            if (qt[i] >= _postings.Length) continue;
            Postings? p = _postings[qt[i]];
            if (p is null) continue;
            double wq = qw[i];
            int[] docs = p.Docs;
            double[] weights = p.Weights;
            for (int j = 0; j < p.Count; j++)
            {
                int d = docs[j];
                if (!_touched[d]) { _touched[d] = true; _touchedList.Add(d); }
                _acc[d] += wq * weights[j];
            }
        }
        if (_touchedList.Count == 0) return false;

        // 2. Norms of q's terms taken from the most common upwards, to bound the unposted part.
        PrepareQueryRankNorms(q);
        double floor = _threshold * (1 - Slack) - Slack;
        foreach (int d in _touchedList)
        {
            double bound = _acc[d];
            int maxRank = _prefixMaxRank[d];
            if (maxRank >= 0) bound += _prefixNorm[d] * QueryNormUpToRank(maxRank);
            _acc[d] = 0;
            _touched[d] = false;
            if (bound < floor) continue;

            // 3. Exact score in ascending term order, as a dense row product would sum it.
            ExactScores++;
            double s = SparseVector.Dot(q, _docs[d]);
            if (s >= _threshold && (s > bestScore || (s == bestScore && d < bestId)))
            {
                bestScore = s;
                bestId = d;
            }
        }
        _touchedList.Clear();
        return bestId >= 0;
    }

    private void PrepareQueryRankNorms(SparseVector q)
    {
        int n = q.Terms.Length;
        if (_queryRanks.Length < n)
        {
            _queryRanks = new int[n];
            _queryRankNorms = new double[n];
        }
        var order = new double[n];
        for (int i = 0; i < n; i++)
        {
            _queryRanks[i] = q.Terms[i] < _rank.Length ? _rank[q.Terms[i]] : int.MaxValue;
            order[i] = q.Weights[i];
        }
        Array.Sort(_queryRanks, order, 0, n);
        double sq = 0;
        for (int i = 0; i < n; i++)
        {
            sq += order[i] * order[i];
            _queryRankNorms[i] = Math.Sqrt(sq) * (1 + Slack);
        }
        _queryLength = n;
    }

    private int _queryLength;

    /// <summary>Norm of the query's terms with rank &lt;= <paramref name="maxRank"/>.</summary>
    private double QueryNormUpToRank(int maxRank)
    {
        // Last query term with rank <= maxRank (ranks are sorted ascending and distinct).
        int lo = 0, hi = _queryLength - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_queryRanks[mid] <= maxRank) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? 0 : _queryRankNorms[found];
    }

    /// <summary>A term's postings: parallel growable arrays of document ids and weights.</summary>
    private sealed class Postings
    {
        public int[] Docs = new int[4];
        public double[] Weights = new double[4];
        public int Count;

        public void Add(int doc, double weight)
        {
            if (Count == Docs.Length)
            {
                Array.Resize(ref Docs, Count * 2);
                Array.Resize(ref Weights, Count * 2);
            }
            Docs[Count] = doc;
            Weights[Count] = weight;
            Count++;
        }
    }
}
