using Star1.Data.Collect.Funnel;

namespace Star1.Data.Tests.Funnel;

public sealed class CachedEmbedderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "star1-cache-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void SecondRun_IsServedFromDisk_WithIdenticalVectors()
    {
        var inner = new CountingEmbedder();
        float[][] first = new CachedEmbedder(inner, _dir).Embed(["alpha", "beta", "alpha"]);
        Assert.Equal(2, inner.TextsEmbedded); // the repeated text is embedded once
        Assert.Equal(first[0], first[2]);

        var again = new CountingEmbedder();
        var cache = new CachedEmbedder(again, _dir, modelTag: typeof(CountingEmbedder).FullName);
        float[][] second = cache.Embed(["beta", "alpha", "gamma"]);
        Assert.Equal(1, again.TextsEmbedded); // only "gamma" is new
        Assert.Equal(first[1], second[0]);
        Assert.Equal(first[0], second[1]);
        Assert.Equal((2, 1), (cache.Hits, cache.Misses));
    }

    [Fact]
    public void ManyTexts_SpreadOverShards_AllComeBackUnchanged()
    {
        string[] texts = Enumerable.Range(0, 300).Select(i => $"question number {i}").ToArray();
        float[][] first = new CachedEmbedder(new CountingEmbedder(), _dir).Embed(texts);
        Assert.Equal(16, Directory.GetFiles(_dir, "*.bin").Length);

        var inner = new CountingEmbedder();
        float[][] again = new CachedEmbedder(inner, _dir).Embed(texts.Reverse().ToArray());
        Assert.Equal(0, inner.TextsEmbedded);
        Assert.Equal(first.Reverse(), again);
    }

    [Fact]
    public void TornTailFromAKilledWrite_IsDiscarded_AndTheFileRepaired()
    {
        var inner = new CountingEmbedder();
        new CachedEmbedder(inner, _dir).Embed(["alpha"]);
        string shard = Directory.GetFiles(_dir, "*.bin").Single();
        long goodLength = new FileInfo(shard).Length;

        // Simulate a kill in the middle of appending a second record: half a record at the end.
        byte[] whole = File.ReadAllBytes(shard);
        using (var fs = new FileStream(shard, FileMode.Append)) fs.Write(whole, 0, whole.Length / 2);

        var inner2 = new CountingEmbedder();
        var cache = new CachedEmbedder(inner2, _dir);
        float[][] v = cache.Embed(["alpha"]);
        Assert.Equal(0, inner2.TextsEmbedded); // the complete record is still trusted
        Assert.Equal(1, cache.DiscardedRecords);
        Assert.Equal(goodLength, new FileInfo(shard).Length);
        Assert.Equal(CountingEmbedder.VectorFor("alpha"), v[0]);
    }

    [Fact]
    public void CorruptRecord_IsNotTrusted_AndIsRecomputed()
    {
        new CachedEmbedder(new CountingEmbedder(), _dir).Embed(["alpha"]);
        string shard = Directory.GetFiles(_dir, "*.bin").Single();
        byte[] bytes = File.ReadAllBytes(shard);
        bytes[50] ^= 0xFF; // flip bits inside the vector: the checksum no longer matches
        File.WriteAllBytes(shard, bytes);

        var inner = new CountingEmbedder();
        float[][] v = new CachedEmbedder(inner, _dir).Embed(["alpha"]);
        Assert.Equal(1, inner.TextsEmbedded);
        Assert.Equal(CountingEmbedder.VectorFor("alpha"), v[0]);

        // The recomputed record was appended after the truncation and is good for the next reader.
        var inner2 = new CountingEmbedder();
        new CachedEmbedder(inner2, _dir).Embed(["alpha"]);
        Assert.Equal(0, inner2.TextsEmbedded);
    }

    [Fact]
    public void CacheOfAnotherModel_IsRefusedWithAClearError()
    {
        new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "model-a");
        var ex = Assert.Throws<InvalidOperationException>(() => new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "model-b"));
        Assert.Contains("different model", ex.Message);
    }

    [Fact]
    public void InnerEmbedderReturningTooFewVectors_IsAnError()
    {
        var cache = new CachedEmbedder(new BrokenEmbedder(), _dir);
        Assert.Throws<InvalidOperationException>(() => cache.Embed(["a", "b"]));
    }

    /// <summary>Returns a vector derived from the text and counts how many texts it was asked for.</summary>
    internal sealed class CountingEmbedder : ISentenceEmbedder
    {
        public int TextsEmbedded { get; private set; }

        public float[][] Embed(IReadOnlyList<string> texts)
        {
            TextsEmbedded += texts.Count;
            return texts.Select(VectorFor).ToArray();
        }

        // Distinct per text (a stable 64-bit hash spread over the components), so a mixed-up key shows.
        public static float[] VectorFor(string text)
        {
            ulong h = Fnv1a64.Hash(text.AsSpan());
            return Enumerable.Range(0, 8).Select(i => (float)((h >> (8 * i)) & 0xFF) + 0.5f).ToArray();
        }
    }

    private sealed class BrokenEmbedder : ISentenceEmbedder
    {
        public float[][] Embed(IReadOnlyList<string> texts) => [[1f]];
    }
}
