using System.Numerics;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Embeddings scaled to unit length and packed row after row in one float array, so that cosine is a plain
/// dot product and a scan over many vectors streams through contiguous memory.
/// </summary>
internal sealed class UnitVectors
{
    private float[] _data;

    public UnitVectors(int dimension, int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        _data = new float[dimension * Math.Max(capacity, 1)];
    }

    public int Dimension { get; }
    public int Count { get; private set; }

    public ReadOnlySpan<float> this[int row] => _data.AsSpan(row * Dimension, Dimension);

    /// <summary>Appends <paramref name="raw"/> divided by its L2 norm (an all-zero vector stays zero).</summary>
    public int Add(ReadOnlySpan<float> raw)
    {
        if (raw.Length != Dimension)
            throw new ArgumentException($"Expected a {Dimension}-d embedding, got {raw.Length}-d.", nameof(raw));
        if ((Count + 1) * Dimension > _data.Length) Array.Resize(ref _data, _data.Length * 2);
        Normalize(raw, _data.AsSpan(Count * Dimension, Dimension));
        return Count++;
    }

    /// <summary>Appends row <paramref name="row"/> of <paramref name="source"/> as is (it is already unit length;
    /// normalising it again could move its last float bits and with them a decision at the threshold).</summary>
    public int AddRowOf(UnitVectors source, int row)
    {
        if (source.Dimension != Dimension)
            throw new ArgumentException($"Expected {Dimension}-d vectors, got {source.Dimension}-d.", nameof(source));
        if ((Count + 1) * Dimension > _data.Length) Array.Resize(ref _data, _data.Length * 2);
        source[row].CopyTo(_data.AsSpan(Count * Dimension, Dimension));
        return Count++;
    }

    /// <summary>
    /// Writes raw / |raw| into <paramref name="dest"/>; the norm is summed in float64, in index order.
    /// Non-finite input is rejected: a NaN would make every comparison silently false.
    /// </summary>
    public static void Normalize(ReadOnlySpan<float> raw, Span<float> dest)
    {
        double sq = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            float x = raw[i];
            if (!float.IsFinite(x)) throw new ArgumentException("The embedding contains NaN or infinity.", nameof(raw));
            sq += (double)x * x;
        }
        if (sq == 0) { dest.Clear(); return; }
        double norm = Math.Sqrt(sq);
        for (int i = 0; i < raw.Length; i++) dest[i] = (float)(raw[i] / norm);
    }

    /// <summary>
    /// Fast float32 dot product, for screening only: for unit vectors its error is below
    /// <see cref="ScreenMargin"/>, so a pair it puts further than that below a threshold cannot reach it.
    /// </summary>
    public static float DotScreen(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && n >= 2 * Vector<float>.Count)
        {
            var acc0 = Vector<float>.Zero;
            var acc1 = Vector<float>.Zero;
            int step = 2 * Vector<float>.Count;
            for (; i <= n - step; i += step)
            {
                acc0 += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
                acc1 += new Vector<float>(a[(i + Vector<float>.Count)..]) * new Vector<float>(b[(i + Vector<float>.Count)..]);
            }
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// A safe bound on |DotScreen - exact dot| for vectors of norm about 1 and the given dimension. Summing n
    /// float32 products errs by at most about n * 2^-24 * sum|a_i b_i|, and Cauchy-Schwarz bounds that sum by 1;
    /// we allow twice that, and never less than 1e-3.
    /// </summary>
    public static double ScreenMargin(int dimension) => Math.Max(1e-3, 2.0 * dimension / (1 << 24));

    /// <summary>
    /// Dot product of two float vectors accumulated in float64. Each float*float product is exact in float64,
    /// so the result differs from a sequential float64 sum only by the summation rounding (~1e-16), far below
    /// anything that moves a 0.7 threshold decision outside exact ties.
    /// </summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(a[i..]), out Vector<double> alo, out Vector<double> ahi);
                Vector.Widen(new Vector<float>(b[i..]), out Vector<double> blo, out Vector<double> bhi);
                acc0 += alo * blo;
                acc1 += ahi * bhi;
            }
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++) sum += (double)a[i] * b[i];
        return sum;
    }
}
