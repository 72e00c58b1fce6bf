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
    public void AnotherTag_IsNeverServed_AndDoesNotRefuseOrWipeTheFolder()
    {
        var a = new CountingEmbedder();
        new CachedEmbedder(a, _dir, modelTag: "model-a code-1").Embed(["alpha"]);
        Assert.Equal(1, a.TextsEmbedded);

        // Edited code (a new tag): the stored vector is not served, the folder is not refused.
        var b = new CountingEmbedder();
        var underB = new CachedEmbedder(b, _dir, modelTag: "model-a code-2");
        underB.Embed(["alpha"]);
        Assert.Equal((1, 0, 1), (b.TextsEmbedded, underB.Hits, underB.Misses));

        // The first tag's vector is still there for a checkout still on that code.
        var again = new CountingEmbedder();
        var underA = new CachedEmbedder(again, _dir, modelTag: "model-a code-1");
        underA.Embed(["alpha"]);
        Assert.Equal((0, 1), (again.TextsEmbedded, underA.Hits));
        Assert.NotEqual(underA.UsedKeys, underB.UsedKeys);
    }

    [Fact]
    public void AFolderOfTheFormerFormat_IsTakenOver_AndAnUnknownFormatIsRefusedNamingTheManifest()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "manifest.txt"), "star1-embedding-cache v1\nall-MiniLM-L6-v2\n");
        var inner = new CountingEmbedder();
        new CachedEmbedder(inner, _dir, modelTag: "m").Embed(["alpha"]);
        Assert.Equal(1, inner.TextsEmbedded);
        Assert.StartsWith("star1-embedding-cache v2", File.ReadAllText(Path.Combine(_dir, "manifest.txt")));

        File.WriteAllText(Path.Combine(_dir, "manifest.txt"), "star1-embedding-cache v9\n");
        var ex = Assert.Throws<InvalidOperationException>(() => new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "m"));
        Assert.Contains("manifest.txt says 'star1-embedding-cache v9'", ex.Message);
        Assert.Contains(_dir, ex.Message);
    }

    [Fact]
    public void UsedKeys_AreTheKeysOfEveryTextEmbeddedOrServed()
    {
        new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "m").Embed(["alpha", "beta"]);
        var cache = new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "m");
        cache.Embed(["beta", "gamma", "gamma"]);
        Assert.Equal(2, cache.UsedKeys.Count);
        Assert.All(cache.UsedKeys, k => Assert.Matches("^[0-9a-f]{64}$", k));

        var all = new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "m");
        all.Embed(["alpha", "beta", "gamma"]);
        Assert.Superset(cache.UsedKeys.ToHashSet(), all.UsedKeys.ToHashSet());
        Assert.Equal(3, all.UsedKeys.Count);
    }

    [Fact]
    public void Compact_KeepsOnlyTheUsedRecords_AndADryRunTouchesNothing()
    {
        string[] texts = Enumerable.Range(0, 300).Select(i => $"question number {i}").ToArray();
        new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "m").Embed(texts);
        var run = new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: "m");
        run.Embed(texts[..100]);
        Assert.Equal(100, run.Hits);

        var before = Directory.GetFiles(_dir).ToDictionary(f => f, File.ReadAllBytes);
        long total = before.Where(kv => kv.Key.EndsWith(".bin", StringComparison.Ordinal)).Sum(kv => (long)kv.Value.Length);
        long perRecord = total / 300;

        var dry = CachedEmbedder.Compact(_dir, run.UsedKeys, dryRun: true);
        Assert.Equal((200, 200 * perRecord), dry);
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(_dir).Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));

        Assert.Equal(dry, CachedEmbedder.Compact(_dir, run.UsedKeys, dryRun: false));
        Assert.Equal(100 * perRecord, Directory.GetFiles(_dir, "*.bin").Sum(f => new FileInfo(f).Length));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));

        var inner = new CountingEmbedder();
        var after = new CachedEmbedder(inner, _dir, modelTag: "m");
        Assert.Equal(texts[..100].Select(CountingEmbedder.VectorFor), after.Embed(texts[..100]));
        Assert.Equal(0, inner.TextsEmbedded);
        after.Embed(texts[100..]);
        Assert.Equal(200, inner.TextsEmbedded);
        Assert.Equal((0, 0L), CachedEmbedder.Compact(_dir, after.UsedKeys, dryRun: false));
    }

    [Theory]
    [InlineData("model\0a", "model\\0a")]
    [InlineData("model\nb", "model\\nb")]
    public void ATagThatCouldMakeKeysCollide_IsRefused(string tag, string shown)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CachedEmbedder(new CountingEmbedder(), _dir, modelTag: tag));
        Assert.StartsWith($"The model tag must be one line without NUL characters; got '{shown}'.", ex.Message);
    }

    [Fact]
    public void InnerEmbedderReturningTooFewVectors_IsAnError()
    {
        var cache = new CachedEmbedder(new BrokenEmbedder(), _dir);
        var ex = Assert.Throws<InvalidOperationException>(() => cache.Embed(["a", "b"]));
        Assert.Equal("The inner embedder returned 1 vectors for 2 texts.", ex.Message);
        Assert.Empty(Directory.GetFiles(_dir, "*.bin"));
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
