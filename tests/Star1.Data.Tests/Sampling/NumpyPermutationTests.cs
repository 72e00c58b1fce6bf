using Star1.Data.Collect.Sampling;

namespace Star1.Data.Tests.Sampling;

/// <summary>Vectors from DATA_SOURCES.md, produced by NumPy 1.24's default_rng.</summary>
public class NumpyPermutationTests
{
    [Fact]
    public void First_four_64_bit_outputs_for_seed_42_match_numpy()
    {
        Assert.Equal(
            new ulong[] { 0xc621fbcd16d92688, 0x705a5661a791ffc1, 0xdbcd12c26eda1624, 0xb286b60e1600888d },
            NumpyPermutation.FirstOutputs(42, 4));
    }

    [Fact]
    public void Permutation_of_10_matches_numpy()
    {
        Assert.Equal(new[] { 5, 6, 0, 7, 3, 2, 4, 9, 1, 8 }, NumpyPermutation.Permutation(42, 10));
    }

    [Fact]
    public void Permutation_of_20_matches_numpy()
    {
        Assert.Equal(
            new[] { 15, 9, 14, 7, 12, 10, 6, 19, 3, 0, 16, 5, 11, 18, 2, 4, 17, 1, 13, 8 },
            NumpyPermutation.Permutation(42, 20));
    }

    [Fact]
    public void First_250_of_permutation_2000_match_numpy()
    {
        var perm = NumpyPermutation.Permutation(42, 2000);
        Assert.Equal(new[] { 1631, 285, 1268, 747, 390, 166, 656, 260, 1863, 1115, 239, 1426 }, perm[..12]);
        Assert.Equal(251_887, perm[..250].Sum());
    }

    [Fact]
    public void Permutation_of_100000_starts_like_numpy()
    {
        Assert.Equal(new[] { 45262, 49850, 30394, 90177, 95569 }, NumpyPermutation.Permutation(42, 100_000)[..5]);
    }

    [Fact]
    public void Permutation_is_a_permutation_and_edge_sizes_work()
    {
        Assert.Empty(NumpyPermutation.Permutation(42, 0));
        Assert.Equal(new[] { 0 }, NumpyPermutation.Permutation(42, 1));
        var perm = NumpyPermutation.Permutation(7, 1000);
        Assert.Equal(Enumerable.Range(0, 1000), perm.Order());
    }

    [Fact]
    public void ShuffleAndTake_picks_rows_at_the_permuted_positions()
    {
        var rows = Enumerable.Range(0, 20).Select(i => $"row{i}").ToArray();
        var picked = NumpyPermutation.ShuffleAndTake(rows, 42, 3);
        Assert.Equal(new[] { "row15", "row9", "row14" }, picked);
        Assert.StartsWith("cannot take 21 rows from 20", Assert.Throws<ArgumentException>(() => NumpyPermutation.ShuffleAndTake(rows, 42, 21)).Message);
    }
}
