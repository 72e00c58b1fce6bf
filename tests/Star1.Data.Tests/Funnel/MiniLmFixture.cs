using Star1.Data.Collect.Funnel;

namespace Star1.Data.Tests.Funnel;

/// <summary>
/// One MiniLM model for all tests that need it (loading costs about half a second), with an in-memory memo
/// so a test comparing two implementations embeds each text once.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    private readonly Dictionary<string, float[]> _memo = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public MiniLmFixture() => Model = new MiniLmEmbedder(batchSize: 64);

    public MiniLmEmbedder Model { get; }

    public ISentenceEmbedder Memoised => new MemoEmbedder(this);

    public void Dispose() => Model.Dispose();

    private sealed class MemoEmbedder(MiniLmFixture owner) : ISentenceEmbedder
    {
        public float[][] Embed(IReadOnlyList<string> texts)
        {
            lock (owner._gate)
            {
                string[] missing = texts.Where(t => !owner._memo.ContainsKey(t)).Distinct().ToArray();
                if (missing.Length > 0)
                {
                    float[][] v = owner.Model.Embed(missing);
                    for (int i = 0; i < missing.Length; i++) owner._memo[missing[i]] = v[i];
                }
                return texts.Select(t => owner._memo[t]).ToArray();
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
