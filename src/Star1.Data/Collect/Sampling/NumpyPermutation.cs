namespace Star1.Data.Collect.Sampling;

/// <summary>
/// <c>np.random.default_rng(seed).permutation(n)</c>, bit for bit. The original pipeline picks the
/// WildJailbreak evaluation questions with the Hugging Face <c>datasets</c> call
/// <c>shuffle(seed=42)</c>, which is exactly this permutation; row k of the shuffled set is the old
/// row <c>perm[k]</c>. Reproducing it is what lets us pick the same 250 questions.
/// </summary>
public static class NumpyPermutation
{
    /// <summary>The permutation of 0..n-1 NumPy returns for this seed.</summary>
    public static int[] Permutation(ulong seed, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var items = new int[n];
        for (int i = 0; i < n; i++) items[i] = i;

        // NumPy's shuffle: Fisher-Yates from the end, j drawn in [0, i] inclusive.
        var rng = Pcg64.FromSeed(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)rng.RandomInterval((ulong)i);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }

    /// <summary>
    /// The rows <c>datasets</c> keeps for <c>shuffle(seed).select(range(count))</c>: row k of the
    /// result is <c>rows[perm[k]]</c>. Fails when there are fewer rows than asked for, as the
    /// original's <c>select</c> would.
    /// </summary>
    public static IReadOnlyList<T> ShuffleAndTake<T>(IReadOnlyList<T> rows, ulong seed, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (count > rows.Count)
            throw new ArgumentException($"cannot take {count} rows from {rows.Count}", nameof(count));
        var perm = Permutation(seed, rows.Count);
        var picked = new T[count];
        for (int k = 0; k < count; k++) picked[k] = rows[perm[k]];
        return picked;
    }

    /// <summary>The first 64-bit outputs of <c>default_rng(seed)</c>'s bit generator (for checks).</summary>
    internal static ulong[] FirstOutputs(ulong seed, int count)
    {
        var rng = Pcg64.FromSeed(seed);
        var result = new ulong[count];
        for (int i = 0; i < count; i++) result[i] = rng.NextUInt64();
        return result;
    }
}
