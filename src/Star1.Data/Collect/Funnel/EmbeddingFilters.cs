namespace Star1.Data.Collect.Funnel;

/// <summary>A best match of one vector: the row it matched and the cosine.</summary>
internal readonly record struct VectorMatch(int Row, double Score)
{
    public static readonly VectorMatch None = new(-1, double.NegativeInfinity);
    public bool Found => Row >= 0;
}

/// <summary>
/// Funnel steps 5 and 6: cosine filters over unit embeddings, done in blocks so that no N x N matrix is held.
/// </summary>
internal static class EmbeddingFilters
{
    /// <summary>Candidates compared together against each stored vector; 64 x 384 floats stay in L2 cache.</summary>
    internal const int BlockSize = 64;

    /// <summary>
    /// Greedy self filter: walk <paramref name="candidates"/> in order and keep a row unless its cosine with an
    /// already kept row is &gt;= <paramref name="threshold"/>. Returns, per row, the kept row it matched (best score)
    /// or <see cref="VectorMatch.None"/> if it was kept.
    /// </summary>
    /// <remarks>
    /// Rows are processed in blocks of <see cref="BlockSize"/>. For a block, every row is first scored against the
    /// rows kept before the block (streaming each kept vector once for the whole block); then the block is walked
    /// in order and each row is also scored against the rows of the same block kept so far. The result is exactly
    /// the sequential greedy walk, with the large scan done block-wise.
    /// </remarks>
    public static VectorMatch[] GreedySelf(UnitVectors candidates, double threshold, Action<int>? onProgress, CancellationToken ct)
    {
        int n = candidates.Count;
        var result = new VectorMatch[n];
        var kept = new List<int>(); // candidate rows kept so far, ascending
        var best = new VectorMatch[BlockSize];
        for (int start = 0; start < n; start += BlockSize)
        {
            ct.ThrowIfCancellationRequested();
            int len = Math.Min(BlockSize, n - start);
            int keptBeforeBlock = kept.Count;
            Array.Fill(best, VectorMatch.None, 0, len);
            for (int k = 0; k < keptBeforeBlock; k++)
            {
                int keptRow = kept[k];
                ReadOnlySpan<float> kv = candidates[keptRow];
                for (int j = 0; j < len; j++)
                    Consider(ref best[j], keptRow, UnitVectors.Dot(candidates[start + j], kv), threshold);
            }
            for (int j = 0; j < len; j++)
            {
                int row = start + j;
                for (int k = keptBeforeBlock; k < kept.Count; k++)
                    Consider(ref best[j], kept[k], UnitVectors.Dot(candidates[row], candidates[kept[k]]), threshold);
                result[row] = best[j];
                if (!best[j].Found) kept.Add(row);
            }
            onProgress?.Invoke(start + len);
        }
        return result;
    }

    /// <summary>
    /// For each candidate row, the best reference row with cosine &gt;= <paramref name="threshold"/>, or
    /// <see cref="VectorMatch.None"/>. Block-wise like <see cref="GreedySelf"/>.
    /// </summary>
    public static VectorMatch[] AgainstReference(UnitVectors candidates, UnitVectors reference, double threshold, Action<int>? onProgress, CancellationToken ct)
    {
        if (candidates.Count > 0 && reference.Count > 0 && candidates.Dimension != reference.Dimension)
            throw new ArgumentException($"Embedding sizes differ: {candidates.Dimension} vs {reference.Dimension}.");
        int n = candidates.Count;
        var result = new VectorMatch[n];
        for (int start = 0; start < n; start += BlockSize)
        {
            ct.ThrowIfCancellationRequested();
            int len = Math.Min(BlockSize, n - start);
            Array.Fill(result, VectorMatch.None, start, len);
            for (int r = 0; r < reference.Count; r++)
            {
                ReadOnlySpan<float> rv = reference[r];
                for (int j = 0; j < len; j++)
                    Consider(ref result[start + j], r, UnitVectors.Dot(candidates[start + j], rv), threshold);
            }
            onProgress?.Invoke(start + len);
        }
        return result;
    }

    // Highest score wins; on equal scores the lower row (the earlier question) wins, independent of visit order.
    private static void Consider(ref VectorMatch best, int row, double score, double threshold)
    {
        if (score < threshold) return;
        if (score > best.Score || (score == best.Score && row < best.Row)) best = new VectorMatch(row, score);
    }
}
