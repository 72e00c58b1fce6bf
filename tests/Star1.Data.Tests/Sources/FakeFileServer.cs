using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Star1.Data.Tests.Sources;

/// <summary>
/// A tiny HTTP/1.1 file server on 127.0.0.1 for download tests, on a raw socket so a response can be
/// cut short deterministically (headers promise N bytes, half are sent, then the connection is closed).
/// It serves byte arrays by raw path, honours <c>Range: bytes=N-</c>, can answer like the Hugging Face
/// hub (a redirect carrying X-Linked-ETag), and records each request's path, Range and Authorization.
/// </summary>
internal sealed class FakeFileServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, Route> _routes = new(StringComparer.Ordinal);

    public string BaseUrl { get; }
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public sealed record SeenRequest(string Path, string? Range, string? Authorization);

    private sealed class Route
    {
        public byte[]? Body;
        public int Status = 200;
        public int CutShortTimes;
        public string? RedirectTo;
        public string? LinkedETag;
        public bool IgnoreRange;
    }

    public FakeFileServer()
    {
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Serves <paramref name="body"/>; the first <paramref name="cutShortTimes"/> responses stop halfway.</summary>
    public void Serve(string path, byte[] body, int cutShortTimes = 0, bool ignoreRange = false) =>
        _routes[path] = new Route { Body = body, CutShortTimes = cutShortTimes, IgnoreRange = ignoreRange };

    public void Status(string path, int status) => _routes[path] = new Route { Status = status };

    /// <summary>Like the hub's resolve URL for an LFS file: 302 to the storage URL, with the checksum header.</summary>
    public void RedirectWithETag(string path, string target, string linkedETag) =>
        _routes[path] = new Route { Status = 302, RedirectTo = target, LinkedETag = linkedETag };

    public IReadOnlyList<SeenRequest> RequestsFor(string path) => Requests.Where(r => r.Path == path).ToList();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (path, headers) = await ReadRequestAsync(stream);
                headers.TryGetValue("Range", out var range);
                headers.TryGetValue("Authorization", out var authorization);
                Requests.Enqueue(new SeenRequest(path, range, authorization));
                await RespondAsync(stream, path, range);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client went away; nothing to do.
            }
        }
    }

    private async Task RespondAsync(NetworkStream stream, string path, string? range)
    {
        if (!_routes.TryGetValue(path, out var route))
        {
            await WriteHeadAsync(stream, 404, 0);
            return;
        }
        if (route.RedirectTo is not null)
        {
            var extra = $"Location: {route.RedirectTo}\r\n" + (route.LinkedETag is null ? "" : $"X-Linked-ETag: \"{route.LinkedETag}\"\r\n");
            await WriteHeadAsync(stream, route.Status, 0, extra);
            return;
        }
        if (route.Body is null)
        {
            await WriteHeadAsync(stream, route.Status, 0);
            return;
        }

        var body = route.Body;
        int from = 0;
        int status = 200;
        string rangeHeader = "";
        if (!route.IgnoreRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            from = int.Parse(range["bytes=".Length..].TrimEnd('-'), CultureInfo.InvariantCulture);
            status = 206;
            rangeHeader = $"Content-Range: bytes {from}-{body.Length - 1}/{body.Length}\r\n";
        }
        int length = body.Length - from;
        bool cut;
        lock (route)
        {
            cut = route.CutShortTimes > 0;
            if (cut) route.CutShortTimes--;
        }
        await WriteHeadAsync(stream, status, length, rangeHeader);
        await stream.WriteAsync(body.AsMemory(from, cut ? length / 2 : length));
        await stream.FlushAsync();
    }

    private static async Task WriteHeadAsync(NetworkStream stream, int status, long length, string extra = "")
    {
        var reason = status switch { 200 => "OK", 206 => "Partial Content", 302 => "Found", 401 => "Unauthorized", 404 => "Not Found", _ => "Status" };
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Length: {length}\r\nConnection: close\r\n{extra}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
    }

    private static async Task<(string Path, Dictionary<string, string> Headers)> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one) == 0) break;
            bytes.Add(one[0]);
            int n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') break;
        }
        var lines = Encoding.ASCII.GetString([.. bytes]).Split("\r\n");
        var path = lines[0].Split(' ') is { Length: >= 2 } parts ? parts[1] : "/";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return (path, headers);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }
}
