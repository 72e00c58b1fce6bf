using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Star1.Modeling.Tests;

/// <summary>Answers the hub's API and resolve URLs from memory; weights redirect to a CDN host, as the
/// hub does for LFS files. Records every request and whether it carried a token.</summary>
public sealed class FakeHub(Dictionary<string, byte[]> files, string? lfsShaOverride = null) : HttpMessageHandler
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
                    entry["lfs"] = new JsonObject { ["sha256"] = lfsShaOverride ?? Convert.ToHexStringLower(SHA256.HashData(bytes)), ["size"] = bytes.Length };
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
