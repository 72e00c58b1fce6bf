using System.Text;
using Star1.Data.Collect.Sources;
using Star1.Modeling.Checkpoints;

namespace Star1.Modeling.Tests;

/// <summary>The resolver's online path against an in-process stand-in for the hub (no network): what it
/// lists, what it downloads, where the token goes, and a file whose SHA-256 is not the LFS oid.</summary>
public class FakeHubTests
{
    static Dictionary<string, byte[]> TinyRepository() => new()
    {
        ["config.json"] = File.ReadAllBytes(Path.Combine(Fixture.Folder("qwen2"), "config.json")),
        ["model.safetensors"] = File.ReadAllBytes(Path.Combine(Fixture.Folder("qwen2"), "model.safetensors")),
        ["tokenizer.json"] = Encoding.UTF8.GetBytes("{}"),
    };

    static FetchOptions Online => new() { Online = true, HuggingFaceToken = "hf_secret", RetryDelay = TimeSpan.Zero, MaxAttempts = 1 };

    [Fact]
    public async Task Online_it_downloads_the_model_files_only_and_then_works_offline()
    {
        using var scratch = new Fixture.Scratch();
        var hub = new FakeHub(TinyRepository());
        var folder = await new ModelSource(scratch["cache"], Online, hub).ResolveAsync("org/tiny");
        Assert.Equal(TinyRepository()["model.safetensors"], File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(folder, "README.md")));
        Assert.DoesNotContain(hub.Requests, r => r.Url.Contains("pytorch_model.bin", StringComparison.Ordinal));
        // The token goes to the hub and never follows the redirect to the CDN.
        Assert.All(hub.Requests.Where(r => r.Url.StartsWith("https://huggingface.co/", StringComparison.Ordinal)), r => Assert.True(r.Authorized));
        Assert.Contains(hub.Requests, r => r.Url.StartsWith("https://cdn-lfs.example/", StringComparison.Ordinal));
        Assert.All(hub.Requests.Where(r => r.Url.StartsWith("https://cdn-lfs.example/", StringComparison.Ordinal)), r => Assert.False(r.Authorized));
        // Now complete: offline resolves it, and the loader reads it.
        Assert.Equal(folder, await new ModelSource(scratch["cache"], new FetchOptions { Online = false }).ResolveAsync("org/tiny"));
        using var model = CheckpointLoader.LoadModel(folder);
        Assert.Equal("qwen2", model.Config.ModelType);
    }

    [Fact]
    public async Task A_file_that_does_not_match_the_lfs_oid_is_removed_and_reported()
    {
        using var scratch = new Fixture.Scratch();
        var hub = new FakeHub(TinyRepository(), lfsShaOverride: new string('a', 64));
        var e = await Assert.ThrowsAsync<ModelFilesMissingException>(() => new ModelSource(scratch["cache"], Online, hub).ResolveAsync("org/tiny"));
        Assert.Contains("differs from the hub's LFS oid aaaa", e.Message);
        Assert.DoesNotContain("hf_secret", e.Message);
        var folder = new ModelSource(scratch["cache"], Online).CacheFolder("org/tiny", "main");
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
    }
}
