using Star1.Pipeline.Hashing;

namespace Star1.Pipeline.Tests.Mutation;

/// <summary>The hash index is only a cache: whatever is left in its file, a run goes on and re-hashes.</summary>
public sealed class HashingSurvivorTests : IDisposable
{
    private readonly string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "star1-hidx-" + Guid.NewGuid().ToString("N")[..10])).FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void AnIndexFileHoldingJsonNullLoadsEmpty()
    {
        var indexPath = Path.Combine(dir, "hash-index.json");
        File.WriteAllText(indexPath, "null"); // valid JSON, but no index: a truncated rewrite by another tool, say
        var file = Path.Combine(dir, "data.txt");
        File.WriteAllText(file, "abc");

        var index = HashIndex.Load(indexPath);
        Assert.Equal(ContentHash.OfFile(file), index.HashOf(file));
        Assert.Equal(1, index.FullHashes);
        index.Save();

        var again = HashIndex.Load(indexPath);
        Assert.Equal(ContentHash.OfFile(file), again.HashOf(file));
        Assert.Equal(0, again.FullHashes);
    }
}
