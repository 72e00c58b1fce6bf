namespace Star1.Data.Collect.Funnel;

/// <summary>
/// A fitted TF-IDF vectoriser with scikit-learn's TfidfVectorizer defaults: raw term counts as tf,
/// smooth idf = ln((1 + n) / (1 + df)) + 1 with n the number of fitted documents, and L2-normalised rows.
/// All arithmetic is float64 like sklearn's default dtype.
/// </summary>
internal sealed class TfidfModel
{
    private readonly double[] _idf;
    private readonly int[] _df;

    private TfidfModel(int documentCount, int[] df, double[] idf)
    {
        DocumentCount = documentCount;
        _df = df;
        _idf = idf;
    }

    /// <summary>n: documents the model was fitted on (documents without tokens count too, as in sklearn).</summary>
    public int DocumentCount { get; }

    /// <summary>Fits on <paramref name="documents"/>; term ids must be below <paramref name="vocabularySize"/>.</summary>
    public static TfidfModel Fit(IEnumerable<TermBag> documents, int vocabularySize)
    {
        var df = new int[vocabularySize];
        int n = 0;
        foreach (TermBag bag in documents)
        {
            n++;
            foreach (int t in bag.Terms) df[t]++;
        }
        var idf = new double[vocabularySize];
        for (int t = 0; t < vocabularySize; t++)
            if (df[t] > 0) idf[t] = Math.Log((double)(n + 1) / (df[t] + 1)) + 1.0;
        return new TfidfModel(n, df, idf);
    }

    public int DocumentFrequency(int term) => _df[term];

    public double Idf(int term) => _df[term] > 0
        ? _idf[term]
        : throw new ArgumentException($"Term {term} does not occur in the documents the model was fitted on.", nameof(term));

    /// <summary>The L2-normalised tf-idf vector of a document from the fitted set; empty if it has no tokens.</summary>
    public SparseVector Transform(TermBag bag)
    {
        int[] terms = bag.Terms;
        var w = new double[terms.Length];
        double sq = 0;
        for (int i = 0; i < terms.Length; i++)
        {
            if (_df[terms[i]] == 0)
                throw new ArgumentException("The document has a term the model was not fitted on; TF-IDF here only transforms fitted documents.", nameof(bag));
            w[i] = bag.Counts[i] * _idf[terms[i]];
            sq += w[i] * w[i];
        }
        if (sq == 0) return new SparseVector([], []);
        double norm = Math.Sqrt(sq);
        for (int i = 0; i < w.Length; i++) w[i] /= norm;
        return new SparseVector(terms, w);
    }

    /// <summary>
    /// The order in which terms enter an indexed document's unindexed prefix (<see cref="CosineIndex"/>):
    /// most frequent first, so the common low-weight terms stay out of the postings. Rank of each term id.
    /// </summary>
    public int[] PrefixRanks()
    {
        int v = _df.Length;
        int[] order = new int[v];
        for (int t = 0; t < v; t++) order[t] = t;
        // Descending df, ties by id, so the ranks are deterministic.
        Array.Sort(order, (a, b) => _df[a] != _df[b] ? _df[b].CompareTo(_df[a]) : a.CompareTo(b));
        int[] rank = new int[v];
        for (int r = 0; r < v; r++) rank[order[r]] = r;
        return rank;
    }
}
