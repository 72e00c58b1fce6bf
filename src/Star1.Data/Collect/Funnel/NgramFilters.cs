namespace Star1.Data.Collect.Funnel;

/// <summary>The result of an n-gram check for one question: the document it collided with, and the n-gram.</summary>
internal readonly record struct NgramMatch(int Owner, string SharedNgram)
{
    public static readonly NgramMatch None = new(-1, "");
    public bool Found => Owner >= 0;
}

/// <summary>Funnel steps 1 and 2: word n-gram collisions within a source and against the reference set.</summary>
internal static class NgramFilters
{
    /// <summary>
    /// Step 1, self n-gram dedup of one source. Returns per question <see cref="NgramMatch.None"/> (kept) or the
    /// index of the earlier kept question it shares an n-gram with.
    /// </summary>
    /// <remarks>
    /// The paper's rule "for every n-gram shared by several questions keep one and drop the others" does not say
    /// which one to keep or what happens when a question shares different n-grams with different questions. We
    /// read it greedily in source order: a question is dropped if it shares any n-gram with a question already
    /// kept; otherwise it is kept and its n-grams join the index. This keeps the first occurrence, never drops a
    /// question because of one that was itself dropped, and leaves no two kept questions sharing an n-gram.
    /// </remarks>
    public static NgramMatch[] SelfDedup(IReadOnlyList<string> normalized, int n, Action<int>? onProgress, CancellationToken ct)
    {
        var index = new NgramIndex(n, i => normalized[i]);
        var result = new NgramMatch[normalized.Count];
        for (int i = 0; i < normalized.Count; i++)
        {
            if ((i & 1023) == 0) { ct.ThrowIfCancellationRequested(); onProgress?.Invoke(i); }
            if (index.TryFindShared(normalized[i], out int owner, out string gram))
                result[i] = new NgramMatch(owner, gram);
            else
            {
                result[i] = NgramMatch.None;
                index.Add(i, normalized[i]);
            }
        }
        onProgress?.Invoke(normalized.Count);
        return result;
    }

    /// <summary>
    /// Step 2: per question, the first of its n-grams (word order) that <paramref name="reference"/> holds, with
    /// the reference document that contributed it, or <see cref="NgramMatch.None"/>.
    /// </summary>
    public static NgramMatch[] AgainstReference(IReadOnlyList<string> normalized, NgramIndex reference, Action<int>? onProgress, CancellationToken ct)
    {
        var result = new NgramMatch[normalized.Count];
        for (int i = 0; i < normalized.Count; i++)
        {
            if ((i & 1023) == 0) { ct.ThrowIfCancellationRequested(); onProgress?.Invoke(i); }
            result[i] = reference.TryFindShared(normalized[i], out int owner, out string gram)
                ? new NgramMatch(owner, gram)
                : NgramMatch.None;
        }
        onProgress?.Invoke(normalized.Count);
        return result;
    }
}
