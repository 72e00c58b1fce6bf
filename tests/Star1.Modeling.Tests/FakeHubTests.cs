using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Star1.Data.Collect.Sources;
using Star1.Modeling.Checkpoints;

namespace Star1.Modeling.Tests;

/// <summary>The resolver's online path against an in-process stand-in for the hub (no network): what it
/// lists, what it downloads, where the token goes, and a file whose SHA-256 is not the LFS oid.</summary>
public class FakeHubTests
{
    /// <summary>Answers the hub's API and resolve URLs from memory; weights redirect to a CDN host, as the
    /// hub does for LFS files. Records every request and whether it carried a token.</summary>
    sealed class FakeHub(Dictionary<string, byte[]> files, string? lfsShaOverride = null) : HttpMessageHandler
    {
        public List<(string Url, bool Authorized)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var url = request.RequestUri!.AbsoluteUri;
            Requests.Add((url, request.Headers.Authorization is not null));
            if (url.StartsWith("https://huggingface.co/api/models/org/tiny/revision/main", StringComparison.Ordinal))
            {
                var siblings = new JsonArray();
                foreach (var name in files.Keys.Append("README.md").Append("pytorch_model.bin"))
                {
                    var entry = new JsonObject { ["rfilename"] = name };
                    if (files.TryGetValue(name, out var bytes) && name.EndsWith(".safetensors", StringComparison.Ordinal))
                    {
                        entry["size"] = bytes.Length;
                        entry["lfs"] = new JsonObject { ["sha256"] = lfsShaOverride ?? Sha(bytes), ["size"] = bytes.Length };
                    }
                    siblings.Add(entry);
                }
                return Answer(HttpStatusCode.OK, Encoding.UTF8.GetBytes(new JsonObject { ["id"] = "org/tiny", ["siblings"] = siblings }.ToJsonString()));
            }
            const string resolve = "https://huggingface.co/org/tiny/resolve/main/";
            if (url.StartsWith(resolve, StringComparison.Ordinal) && files.ContainsKey(url[resolve.Length..]))
            {
                var name = url[resolve.Length..];
                if (!name.EndsWith(".safetensors", StringComparison.Ordinal)) return Answer(HttpStatusCode.OK, files[name]);
                var redirect = new HttpResponseMessage(HttpStatusCode.Found);
                redirect.Headers.Location = new Uri($"https://cdn-lfs.example/{name}");
                return Task.FromResult(redirect);
            }
            if (url.StartsWith("https://cdn-lfs.example/", StringComparison.Ordinal))
                return Answer(HttpStatusCode.OK, files[url["https://cdn-lfs.example/".Length..]]);
            return Answer(HttpStatusCode.NotFound, []);
        }

        static Task<HttpResponseMessage> Answer(HttpStatusCode status, byte[] body) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new ByteArrayContent(body) });
    }

    static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

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
