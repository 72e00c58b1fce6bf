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
/// <remarks>
/// Every decision compares the float64-accumulated dot product (<see cref="UnitVectors.Dot"/>) with the
/// threshold. A float32 SIMD dot screens pairs first and only pairs within its proven error margin of the
/// threshold, or above it, are scored in float64, so the screen changes speed, not decisions. Large scans are
/// split over threads by stored-row chunks and merged with an order-independent rule.
/// </remarks>
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
    public static VectorMatch[] GreedySelf(UnitVectors candidates, double threshold, Action<int>? onProgress, CancellationToken ct,
        int rowsPerTask = RowsPerTask)
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
            ScanInParallel(keptBeforeBlock, (from, to, local) =>
            {
                for (int k = from; k < to; k++)
                {
                    int keptRow = kept[k];
                    ReadOnlySpan<float> kv = candidates[keptRow];
                    for (int j = 0; j < len; j++)
                        Consider(ref local[j], keptRow, candidates[start + j], kv, threshold);
                }
            }, best, len, rowsPerTask, ct);
            for (int j = 0; j < len; j++)
            {
                int row = start + j;
                for (int k = keptBeforeBlock; k < kept.Count; k++)
                    Consider(ref best[j], kept[k], candidates[row], candidates[kept[k]], threshold);
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
    public static VectorMatch[] AgainstReference(UnitVectors candidates, UnitVectors reference, double threshold, Action<int>? onProgress, CancellationToken ct,
        int rowsPerTask = RowsPerTask)
    {
        if (candidates.Count > 0 && reference.Count > 0 && candidates.Dimension != reference.Dimension)
            throw new ArgumentException($"Embedding sizes differ: {candidates.Dimension} vs {reference.Dimension}.");
        int n = candidates.Count;
        var result = new VectorMatch[n];
        for (int start = 0; start < n; start += BlockSize)
        {
            ct.ThrowIfCancellationRequested();
            int len = Math.Min(BlockSize, n - start);
            var best = new VectorMatch[len];
            Array.Fill(best, VectorMatch.None);
            ScanInParallel(reference.Count, (from, to, local) =>
            {
                for (int r = from; r < to; r++)
                {
                    ReadOnlySpan<float> rv = reference[r];
                    for (int j = 0; j < len; j++)
                        Consider(ref local[j], r, candidates[start + j], rv, threshold);
                }
            }, best, len, rowsPerTask, ct);
            Array.Copy(best, 0, result, start, len);
            onProgress?.Invoke(start + len);
        }
        return result;
    }

    /// <summary>Stored rows per parallel work item (tests lower it); up to this many a block is scanned on the calling thread.</summary>
    internal const int RowsPerTask = 2048;

    /// <summary>
    /// Runs <paramref name="scan"/> over stored rows [0, <paramref name="rows"/>) in chunks, each chunk on its own
    /// best-match array, then merges the chunks into <paramref name="best"/>. <see cref="Consider"/> picks the
    /// same winner whatever order candidates arrive in, so the result does not depend on the split.
    /// </summary>
    private static void ScanInParallel(int rows, Action<int, int, VectorMatch[]> scan, VectorMatch[] best, int len, int rowsPerTask, CancellationToken ct)
    {
        if (rows <= rowsPerTask)
        {
            scan(0, rows, best);
            return;
        }
        int chunks = (rows + rowsPerTask - 1) / rowsPerTask;
        var gate = new Lock();
        Parallel.For(0, chunks, new ParallelOptions { CancellationToken = ct }, c =>
        {
            var local = new VectorMatch[len];
            Array.Fill(local, VectorMatch.None);
            scan(c * rowsPerTask, Math.Min(rows, (c + 1) * rowsPerTask), local);
            lock (gate)
                for (int j = 0; j < len; j++)
                    if (local[j].Found) Consider(ref best[j], local[j].Row, local[j].Score, double.NegativeInfinity);
        });
    }

    /// <summary>
    /// Scores a pair: a float32 screen first, and the float64 dot (the value decisions use) only for pairs the
    /// screen cannot rule out. Most pairs are far below the threshold, so this halves the cost of the scan.
    /// </summary>
    private static void Consider(ref VectorMatch best, int row, ReadOnlySpan<float> a, ReadOnlySpan<float> b, double threshold)
    {
        if (UnitVectors.DotScreen(a, b) < threshold - UnitVectors.ScreenMargin(a.Length)) return;
        Consider(ref best, row, UnitVectors.Dot(a, b), threshold);
    }

    // Highest score wins; on equal scores the lower row (the earlier question) wins, independent of visit order.
    private static void Consider(ref VectorMatch best, int row, double score, double threshold)
    {
        if (score < threshold) return;
        if (score > best.Score || (score == best.Score && row < best.Row)) best = new VectorMatch(row, score);
    }
}
