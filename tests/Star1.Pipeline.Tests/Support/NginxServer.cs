using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Star1.Pipeline.Tests.Support;

/// <summary>
/// A real nginx with its WebDAV module serving a throw-away folder on a free 127.0.0.1 port: the simplest
/// server that speaks the remote cache protocol (GET, HEAD and PUT of files). Optionally it demands a bearer
/// token. Runs in the foreground as one process with every path in its own temp folder; killed on dispose.
/// </summary>
public sealed class NginxServer : IDisposable
{
    /// <summary>Set to 1 (CI does) to make the nginx tests fail, not skip, where nginx is missing.</summary>
    public const string RequireVariable = "STAR1_REQUIRE_NGINX";

    private readonly Process process;

    public string Folder { get; }

    /// <summary>What the server serves and stores: the remote cache's files are under Store/star1/.</summary>
    public string Store => Path.Combine(Folder, "store");

    public int Port { get; }

    /// <summary>The remote cache URL tests give the build.</summary>
    public string Url => $"http://127.0.0.1:{Port}/star1";

    /// <summary>Where nginx is, or null (then the tests skip, or fail when <see cref="RequireVariable"/> is 1).</summary>
    public static string? Binary { get; } = new[] { "/usr/sbin/nginx" }
        .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, "nginx")))
        .FirstOrDefault(File.Exists);

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <param name="token">When set, every request without "Authorization: Bearer TOKEN" gets 401.</param>
    public NginxServer(string? token = null)
    {
        var binary = Binary ?? throw new InvalidOperationException($"nginx is not installed (looked for /usr/sbin/nginx), and {RequireVariable}=1 says the remote cache tests must run: apt-get install nginx-light");
        Folder = Path.Combine(Path.GetTempPath(), "star1-nginx-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Store);
        Port = FreePort();
        var guard = token is null ? "" : $$"""if ($http_authorization != "Bearer {{token}}") { return 401; }""";
        File.WriteAllText(Path.Combine(Folder, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{Folder}}/nginx.pid;
            error_log {{Folder}}/error.log warn;
            events { worker_connections 64; }
            http {
              access_log {{Folder}}/access.log;
              client_body_temp_path {{Folder}}/body;
              server {
                listen 127.0.0.1:{{Port}};
                location / {
                  root {{Store}};
                  dav_methods PUT DELETE MKCOL;
                  dav_access user:rw group:r all:r;
                  create_full_put_path on;
                  client_max_body_size 0;
                  {{guard}}
                }
              }
            }
            """);
        var info = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        // -e: the error log from the first line on, before the config is read (the default one may not be writable).
        foreach (var a in new[] { "-p", Folder, "-c", Path.Combine(Folder, "nginx.conf"), "-e", Path.Combine(Folder, "error.log") }) info.ArgumentList.Add(a);
        process = Process.Start(info)!;
        WaitUntilListening();
    }

    /// <summary>A port nothing listens on (for a server that is down), found the same way.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The file the server keeps for a remote cache path (cas/HASH, ac/KEY).</summary>
    public string FileOf(string path) => Path.Combine(Store, "star1", path);

    private void WaitUntilListening()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {process.StandardError.ReadToEnd()} {ErrorLog()}");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException($"nginx did not listen on port {Port} within 15 s: {ErrorLog()}");
    }

    private string ErrorLog()
    {
        var path = Path.Combine(Folder, "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    private bool disposed;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        finally
        {
            process.Dispose();
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
