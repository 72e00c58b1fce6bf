namespace Star1.Data.Collect.Funnel;

/// <summary>A sparse float64 vector: ascending term ids with their weights.</summary>
internal readonly struct SparseVector
{
    public SparseVector(int[] terms, double[] weights)
    {
        Terms = terms;
        Weights = weights;
    }

    public int[] Terms { get; }
    public double[] Weights { get; }
    public bool IsEmpty => Terms is null || Terms.Length == 0;

    /// <summary>
    /// Dot product by merging the two ascending id lists. The products are summed in ascending term id order,
    /// the same order a dense loop over the vocabulary would use, so both give the same float64 result.
    /// </summary>
    public static double Dot(SparseVector a, SparseVector b)
    {
        int[] ta = a.Terms, tb = b.Terms;
        double[] wa = a.Weights, wb = b.Weights;
        int i = 0, j = 0;
        double sum = 0;
        while (i < ta.Length && j < tb.Length)
        {
            int x = ta[i], y = tb[j];
            if (x == y) { sum += wa[i] * wb[j]; i++; j++; }
            else if (x < y) i++;
            else j++;
        }
        return sum;
    }
}
