using System.Diagnostics;
using System.Text;
using Star1.Host;

namespace Star1.Bench.Engine;

/// <summary>
/// No-op re-run cost of a 20-stage graph holding 1 GB of outputs, as a ratio to the host's bare start-up,
/// both measured here as whole processes (what a user waits for), interleaved, median of several runs.
/// A third figure shows what the stamp check saves: the same no-op run with the hash index deleted, so
/// every output is re-read and re-hashed.
/// </summary>
public static class EngineBench
{
    public static async Task<int> Run(string[] args)
    {
        var totalMib = ArgInt(args, "--mib", 1024);
        var repeats = ArgInt(args, "--repeats", 5);
        var root = Path.Combine(Path.GetTempPath(), "star1-bench-engine-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var yaml = new StringBuilder("stages:\n");
            for (var i = 1; i <= 20; i++) yaml.Append($"  s{i:00}_mib: {totalMib / 20}\n");
            File.WriteAllText(Path.Combine(root, "params.yaml"), yaml.ToString());

            Console.WriteLine($"engine benchmark: 20 chained stages, {totalMib / 20 * 20} MiB of outputs, in {root}");
            var first = Time(root, "--target", "All");
            Console.WriteLine($"first run (executes all, writes the outputs and the run-cache): {first.TotalSeconds:0.00} s");

            var bare = new List<double>();
            var noop = new List<double>();
            for (var i = 0; i < repeats; i++)
            {
                bare.Add(Time(root, "--target", "Bare").TotalSeconds);
                noop.Add(Time(root, "--target", "All").TotalSeconds);
            }
            var rehash = new List<double>();
            for (var i = 0; i < Math.Min(repeats, 3); i++)
            {
                File.Delete(Path.Combine(root, "artifacts", ".star1", "hashes.json"));
                rehash.Add(Time(root, "--target", "All").TotalSeconds);
                // the run above re-hashed everything and saved a fresh index; delete it again next round
            }

            double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
            var (b, n, r) = (Median(bare), Median(noop), Median(rehash));
            Console.WriteLine();
            Console.WriteLine($"| run                                        | median s | ratio to bare |");
            Console.WriteLine($"|--------------------------------------------|---------:|--------------:|");
            Console.WriteLine($"| bare start-up (empty target)               | {b,8:0.000} | {1.0,13:0.00} |");
            Console.WriteLine($"| no-op re-run, 20 stages, 1 GB (stamps)     | {n,8:0.000} | {n / b,13:0.00} |");
            Console.WriteLine($"| no-op re-run, hash index deleted (re-hash) | {r,8:0.000} | {r / b,13:0.00} |");
            Console.WriteLine();
            Console.WriteLine($"no-op / bare = {n / b:0.00} (target < 2): {(n / b < 2 ? "met" : "NOT met")}; samples bare [{string.Join(", ", bare.Select(x => x.ToString("0.000")))}], no-op [{string.Join(", ", noop.Select(x => x.ToString("0.000")))}]");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Runs the benchmark graph as its own process, like ./build.sh runs the real one.</summary>
    private static TimeSpan Time(string root, params string[] hostArgs)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(typeof(EngineBench).Assembly.Location);
        info.ArgumentList.Add("engine-host");
        foreach (var a in hostArgs) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--verbosity");
        info.ArgumentList.Add("quiet");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        clock.Stop();
        if (process.ExitCode != 0) throw new InvalidOperationException($"host failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
        return clock.Elapsed;
    }

    /// <summary>The benchmark graph's host: the same BuildHost ./build.sh uses, with the bench stages.</summary>
    public static Task<int> Host(string[] args) =>
        BuildHost.RunAsync(args, typeof(BenchContext).Assembly, (cake, engine, options) => new BenchContext(cake, engine, options));

    private static int ArgInt(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }
}
