using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Star1.Data.Collect;
using Star1.Data.Collect.Sources;
using Star1.Data.Tests.Sources;

namespace Star1.Data.Tests;

/// <summary>The per-source load cache: keyed by code, spec and portable file identity; pruned on request.</summary>
public sealed class SourceCacheTests : IDisposable
{
    private readonly TempMirror _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string? Sha(string path) =>
        File.Exists(path) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : null;

    /// <summary>A checkout under <paramref name="clone"/> with one user source, data/mine.txt.</summary>
    private (SourceSpec Spec, string Root) Checkout(string clone, string content = "first question\nsecond question\n")
    {
        var root = _dir.PathOf(clone);
        _dir.Write($"{clone}/data/mine.txt", content);
        var spec = new CustomSourceSpec("Mine", "data/mine.txt", "txt").ToSourceSpec(root);
        return (spec, root);
    }

    private SourceCache Cache(string codeKey, string repoRoot) => new(_dir.PathOf("cache"), Sha, codeKey, repoRoot);

    [Fact]
    public void A_new_code_key_reloads_instead_of_serving_what_the_old_loaders_produced()
    {
        var (spec, root) = Checkout("repo");
        var first = Cache("loaders-a", root);
        first.GetOrLoad(spec, root);
        Assert.Equal((0, 1), (first.Hits, first.Loads));

        var same = Cache("loaders-a", root);
        Assert.Equal(["first question", "second question"], same.GetOrLoad(spec, root).Questions.Select(q => q.Text));
        Assert.Equal((1, 0), (same.Hits, same.Loads));

        var edited = Cache("loaders-b", root);
        edited.GetOrLoad(spec, root);
        Assert.Equal((0, 1), (edited.Hits, edited.Loads));
    }

    [Fact]
    public void Two_clones_with_the_same_files_share_entries_because_paths_enter_the_key_relative()
    {
        var (specA, rootA) = Checkout("clone-a");
        var (specB, rootB) = Checkout("clone-b");
        var a = Cache("loaders", rootA);
        a.GetOrLoad(specA, rootA);

        var b = Cache("loaders", rootB);
        b.GetOrLoad(specB, rootB);
        Assert.Equal((1, 0), (b.Hits, b.Loads));
        Assert.Equal(a.UsedEntries, b.UsedEntries);
    }

    [Fact]
    public void Editing_the_file_reloads_it()
    {
        var (spec, root) = Checkout("repo");
        Cache("loaders", root).GetOrLoad(spec, root);
        File.AppendAllText(_dir.PathOf("repo/data/mine.txt"), "third question\n");
        var again = Cache("loaders", root);
        Assert.Equal(3, again.GetOrLoad(spec, root).Questions.Count);
        Assert.Equal((0, 1), (again.Hits, again.Loads));
    }

    [Fact]
    public void Temporary_files_follow_the_pattern_the_engine_cleans_up()
    {
        var temp = Path.GetFileName(SourceCache.TempPathFor(_dir.PathOf("cache/Mine-0123456789abcdef.json")));
        Assert.Matches(new Regex(@"^\.Mine-0123456789abcdef\.json\.[0-9a-f]{32}\.tmp$"), temp);
        Assert.Matches(new Regex(@"^\..+\.[0-9a-f]{32}\.tmp$"), temp);
    }

    [Fact]
    public void Prune_keeps_the_used_entries_and_removes_the_rest_and_stray_temporaries_unless_dry_run()
    {
        var (spec, root) = Checkout("repo");
        var (other, _) = Checkout("repo2", "another question\n");
        var old = Cache("loaders-old", root);
        old.GetOrLoad(spec, root);
        old.GetOrLoad(other, root);
        var current = Cache("loaders-new", root);
        current.GetOrLoad(spec, root);
        var stray = _dir.Write("cache/.Mine-0000000000000000.json." + new string('a', 32) + ".tmp", "half an entry");

        var folder = _dir.PathOf("cache");
        var before = Directory.GetFiles(folder).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(4, before.Count);
        var doomed = before.Keys.Where(f => !current.UsedEntries.Contains(Path.GetFileName(f))).ToList();
        long doomedBytes = doomed.Sum(f => new FileInfo(f).Length);
        Assert.Equal(3, doomed.Count);
        Assert.Contains(stray, doomed);

        var dry = SourceCache.Prune(folder, current.UsedEntries, dryRun: true);
        Assert.Equal((3, doomedBytes), dry);
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(folder).Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));

        var done = SourceCache.Prune(folder, current.UsedEntries, dryRun: false);
        Assert.Equal(dry, done);
        Assert.Equal(current.UsedEntries.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());

        // What was kept still serves.
        var next = Cache("loaders-new", root);
        next.GetOrLoad(spec, root);
        Assert.Equal((1, 0), (next.Hits, next.Loads));
        Assert.Equal((0, 0L), SourceCache.Prune(_dir.PathOf("no-such-folder"), current.UsedEntries, dryRun: false));
    }
}
