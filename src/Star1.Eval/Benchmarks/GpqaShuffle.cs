using Star1.Data.Collect.Sampling;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// GPQA lists the correct answer first and the three wrong ones after it, so the options must be shuffled
/// or "A" would always be right. Item i is shuffled with NumPy's <c>default_rng(seed + i)</c> permutation
/// (Collect's PCG64 code): deterministic per item, independent of which other items are loaded, and
/// reproducible in Python with one line.
/// </summary>
public static class GpqaShuffle
{
    /// <summary>The four options in display order and the letter of the correct one.</summary>
    public static (IReadOnlyList<string> Options, string Answer) Shuffle(string correct, IReadOnlyList<string> incorrect, ulong seed, int itemIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemIndex);
        string[] unshuffled = [correct, .. incorrect];
        var perm = NumpyPermutation.Permutation(unchecked(seed + (ulong)itemIndex), unshuffled.Length);
        var options = perm.Select(k => unshuffled[k]).ToArray();
        return (options, BenchmarkPrompts.Letter(Array.IndexOf(perm, 0)));
    }
}
