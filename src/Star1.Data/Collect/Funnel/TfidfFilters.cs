namespace Star1.Data.Collect.Funnel;

/// <summary>A TF-IDF match: the matched document and the cosine.</summary>
internal readonly record struct TfidfMatch(int Doc, double Score)
{
    public static readonly TfidfMatch None = new(-1, double.NaN);
    public bool Found => Doc >= 0;
}

/// <summary>Funnel steps 3 and 4: TF-IDF cosine filters with a sparse, prefix-filtered inverted index.</summary>
internal static class TfidfFilters
{
    /// <summary>
    /// Step 3. Fits the vectoriser on <paramref name="reference"/> followed by <paramref name="candidates"/>
    /// (sklearn's fit on the concatenation), then gives each candidate its most similar reference document with
    /// cosine &gt;= <paramref name="threshold"/>, or <see cref="TfidfMatch.None"/>.
    /// </summary>
    /// <remarks>Memory: the reference vectors plus their postings, O(non-zeros), never reference x candidates.</remarks>
    public static TfidfMatch[] AgainstReference(IReadOnlyList<TermBag> reference, IReadOnlyList<TermBag> candidates,
        int vocabularySize, double threshold, Action<int>? onProgress, CancellationToken ct)
    {
        var result = new TfidfMatch[candidates.Count];
        if (candidates.Count == 0) return result;
        TfidfModel model = TfidfModel.Fit(reference.Concat(candidates), vocabularySize);
        var index = new CosineIndex(threshold, model.PrefixRanks());
        for (int r = 0; r < reference.Count; r++)
        {
            if ((r & 4095) == 0) ct.ThrowIfCancellationRequested();
            index.Add(model.Transform(reference[r]));
        }
        for (int i = 0; i < candidates.Count; i++)
        {
            if ((i & 1023) == 0) { ct.ThrowIfCancellationRequested(); onProgress?.Invoke(i); }
            result[i] = index.TryFindBest(model.Transform(candidates[i]), out int doc, out double score)
                ? new TfidfMatch(doc, score)
                : TfidfMatch.None;
        }
        onProgress?.Invoke(candidates.Count);
        return result;
    }

    /// <summary>
    /// Step 4. Fits the vectoriser on all <paramref name="docs"/>, then walks them in order and keeps a document
    /// unless its cosine with an already kept one is &gt;= <paramref name="threshold"/>. Returns per document the
    /// best kept match (an index into <paramref name="docs"/>) or <see cref="TfidfMatch.None"/> if kept.
    /// </summary>
    public static TfidfMatch[] GreedySelf(IReadOnlyList<TermBag> docs, int vocabularySize, double threshold,
        Action<int>? onProgress, CancellationToken ct)
    {
        var result = new TfidfMatch[docs.Count];
        if (docs.Count == 0) return result;
        TfidfModel model = TfidfModel.Fit(docs, vocabularySize);
        var index = new CosineIndex(threshold, model.PrefixRanks());
        var keptDocOfIndexId = new List<int>();
        for (int i = 0; i < docs.Count; i++)
        {
            if ((i & 1023) == 0) { ct.ThrowIfCancellationRequested(); onProgress?.Invoke(i); }
            SparseVector v = model.Transform(docs[i]);
            if (index.TryFindBest(v, out int id, out double score))
                result[i] = new TfidfMatch(keptDocOfIndexId[id], score);
            else
            {
                result[i] = TfidfMatch.None;
                index.Add(v);
                keptDocOfIndexId.Add(i);
            }
        }
        onProgress?.Invoke(docs.Count);
        return result;
    }
}
