using System.Diagnostics;
using System.Globalization;
using Star1.Llm;
using Star1.Llm.Cache;
using Star1.Llm.Calling;
using Star1.Llm.Providers;
using Star1.Llm.Testing;

namespace Star1.Bench;

/// <summary>
/// The LLM calling layer against the fake OpenAI-compatible server with a fixed latency: how close bounded
/// concurrency gets to its ceiling (concurrency / latency requests a second), the client's CPU per request,
/// and a fully cached re-run of the same requests. The server runs in a child process so that the CPU
/// figure is the client's alone (runner, SDK, HTTP, SQLite).
/// </summary>
internal static class LlmBench
{
    private const string KeyVariable = "STAR1_BENCH_FAKE_KEY";

    public static async Task<int> Run(string[] args)
    {
        int requests = Int(args, "--requests", 5000), concurrency = Int(args, "--concurrency", 64), latencyMs = Int(args, "--latency-ms", 200);
        Environment.SetEnvironmentVariable(KeyVariable, "sk-bench-not-a-real-key");
        using var server = StartServer(latencyMs, out var baseUrl);
        var folder = Path.Combine(Path.GetTempPath(), "star1-llm-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var provider = new OpenAiChatProvider(baseUrl, KeyVariable);
            var options = new LlmRunOptions { StageName = "bench", Concurrency = concurrency, RequestTimeout = TimeSpan.FromSeconds(60), TransportRetries = 2 };
            Console.WriteLine($"LLM calling layer: fake OpenAI-compatible server in a child process, {latencyMs} ms per answer, concurrency {concurrency}, {requests:N0} requests");

            // Warm-up on other prompts and another cache folder: JIT, connection pool, SQLite.
            using (var warm = new RequestCache(folder + "-warm"))
                await new LlmRunner(provider, warm, options).RunAsync(Items(concurrency * 2, "warm"), Text, default);

            var items = Items(requests, "q");
            var (wire, wireCpu) = await Timed(() => RunOnce(provider, folder, options, items, memoryBytes: 64L << 20));
            double bound = concurrency * 1000.0 / latencyMs;
            double rate = requests / wire.Usage.Wall.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine($"{"run",-44} {"wall s",8} {"req/s",8} {"sent",6} {"hits",6} {"CPU ms/req",11}");
            Line("uncached (every request on the wire)", wire, wireCpu);
            var (cached, cachedCpu) = await Timed(() => RunOnce(provider, folder, options, items, memoryBytes: 64L << 20));
            Line("fully cached re-run (new cache object)", cached, cachedCpu);
            var (noMemory, noMemoryCpu) = await Timed(() => RunOnce(provider, folder, options, items, memoryBytes: 0));
            Line("fully cached re-run, memory cache off", noMemory, noMemoryCpu);
            using (var shared = new RequestCache(folder))
            {
                await new LlmRunner(provider, shared, options).RunAsync(items, Text, default);
                var (warmMemory, warmCpu) = await Timed(() => new LlmRunner(provider, shared, options).RunAsync(items, Text, default));
                Line("fully cached re-run, memory cache warm", warmMemory, warmCpu);
            }
            Console.WriteLine();
            Console.WriteLine(Invariant($"achieved {rate:0.0} req/s of the {bound:0} req/s bound ({concurrency} / {latencyMs / 1000.0:0.###} s): {rate / bound:0.000} (target >= 0.8)"));
            Console.WriteLine(Invariant($"client CPU per request on the wire: {wireCpu.TotalMilliseconds / requests:0.000} ms"));
            Console.WriteLine(Invariant($"fully cached re-run: {cached.Usage.Wall.TotalSeconds:0.000} s (target < 2 s)"));
            bool ok = rate / bound >= 0.8 && cached.Usage.Wall < TimeSpan.FromSeconds(2) && wire.Successes.Count == requests && cached.Usage.RequestsSent == 0;
            return ok ? 0 : 1;

            void Line(string name, LlmRunResult<string> r, TimeSpan cpu) =>
                Console.WriteLine(Invariant($"{name,-44} {r.Usage.Wall.TotalSeconds,8:0.000} {requests / r.Usage.Wall.TotalSeconds,8:0.0} {r.Usage.RequestsSent,6} {r.Usage.CacheHits,6} {cpu.TotalMilliseconds / requests,11:0.000}"));
        }
        finally
        {
            foreach (var dir in new[] { folder, folder + "-warm" })
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The child: serves until its standard input closes.</summary>
    public static async Task<int> Server(string[] args)
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Latency = TimeSpan.FromMilliseconds(Int(args, "--latency-ms", 200));
        Console.WriteLine(server.BaseUrl);
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        return 0;
    }

    private static async Task<LlmRunResult<string>> RunOnce(IChatProvider provider, string folder, LlmRunOptions options, List<LlmItem> items, long memoryBytes)
    {
        using var cache = new RequestCache(folder, memoryBytes: memoryBytes);
        return await new LlmRunner(provider, cache, options).RunAsync(items, Text, default);
    }

    private static async Task<(T, TimeSpan)> Timed<T>(Func<Task<T>> run)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var result = await run();
        return (result, Process.GetCurrentProcess().TotalProcessorTime - before);
    }

    private static ServerProcess StartServer(int latencyMs, out string baseUrl)
    {
        string exe = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the running executable to start the server.");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        string? entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet" && entry is not null) psi.ArgumentList.Add(entry);
        foreach (var a in new[] { "llm-server", "--latency-ms", latencyMs.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the fake server.");
        baseUrl = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The fake server exited before saying where it listens.");
        return new ServerProcess(process);
    }

    private sealed class ServerProcess(Process process) : IDisposable
    {
        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000)) process.Kill();
            process.Dispose();
        }
    }

    private static List<LlmItem> Items(int n, string prefix) =>
        Enumerable.Range(0, n).Select(i => new LlmItem($"{prefix}{i}", new ChatRequest(
            [ChatMessage.System("You classify questions into safety categories and answer with a JSON list of category names."),
             ChatMessage.User($"Question {prefix}{i}: how would someone go about doing the thing numbered {i}, step by step, in detail?")],
            new GenerationSettings { Model = "gpt-bench", MaxCompletionTokens = 100 }))).ToList();

    private static ParseResult<string> Text(ChatAnswer a) => ParseResult<string>.Success(a.Content);

    private static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
