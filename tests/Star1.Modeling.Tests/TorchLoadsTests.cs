using Star1.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Star1.Modeling.Tests;

/// <summary>The build's GLIBCXX fix (Directory.Build.targets) reached this output folder, and torch runs.</summary>
public class TorchLoadsTests
{
    [Fact]
    public void Every_copied_LibTorchSharp_needs_GLIBCXX_3_4_32_only_weakly()
    {
        string[] copies = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(copies);
        foreach (string so in copies)
        {
            var needs = ElfWeakVersionNeed.ReadNeeds(so);
            var need = Assert.Single(needs, n => n.Name == "GLIBCXX_3.4.32");
            Assert.True(need.IsWeak, so);
            // Only that need is touched: the others stay strong.
            Assert.Contains(needs, n => n.Name.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal) && !n.IsWeak);
        }
    }

    [Fact]
    public void Marking_is_idempotent_and_leaves_other_bytes_alone()
    {
        string source = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories)[0];
        string copy = Path.Combine(Path.GetTempPath(), $"star1-elf-{Guid.NewGuid():N}.so");
        File.Copy(source, copy);
        try
        {
            byte[] before = File.ReadAllBytes(copy);
            Assert.Empty(ElfWeakVersionNeed.MarkWeak(copy, new[] { "GLIBCXX_3.4.32" }));  // already weak
            Assert.Equal(before, File.ReadAllBytes(copy));
            var changed = ElfWeakVersionNeed.MarkWeak(copy, new[] { "GLIBCXX_3.4.29" });
            Assert.Equal(new[] { "GLIBCXX_3.4.29" }, changed);
            byte[] after = File.ReadAllBytes(copy);
            Assert.Equal(1, before.Zip(after).Count(p => p.First != p.Second));  // one flag byte
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void Torch_loads_and_multiplies_matrices()
    {
        var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        var b = tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        float[] c = matmul(a, b).data<float>().ToArray();
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c);
    }
}
