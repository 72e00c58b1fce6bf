using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Star1.Pipeline.Tests.Support;

namespace Star1.Bench;

/// <summary>
/// `./build.sh --target Star1` on the default profile, as a user runs it, in five situations side by side:
/// from nothing one stage after another (the baseline), from nothing side by side (the default), from nothing
/// pushing to a remote cache, from that warm remote cache with an empty local one, and a no-op run. Each run has
/// its own artifacts and cache folders; the remote is a real nginx with WebDAV. Wall times come from the process,
/// stage times from the run record, so each stage's share of the work is printed too.
/// </summary>
internal static class Star1RunBench
{
    public static int Run(string[] args)
    {
        var root = EvalBench.FindRepoRoot();
        var work = Path.Combine(Path.GetTempPath(), "star1-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        using var nginx = new NginxServer();
        try
        {
            Build(root, ["--tree"], work, "warmup", remote: null, out _);   // builds the host once, outside any timing
            var runs = new List<(string Name, double Seconds, JsonElement Record)>();
            void Timed(string name, string artifacts, string cache, string? remote, params string[] extra)
            {
                var seconds = Build(root, ["--target", "Star1", "--artifacts", Path.Combine(work, artifacts), .. extra], Path.Combine(work, cache), name, remote, out var record);
                runs.Add((name, seconds, record));
                Console.WriteLine($"  {name}: {seconds:0.0} s");
            }
            Console.WriteLine($"Star1 bench: default profile, {Environment.ProcessorCount} cores, remote cache {nginx.Url}");
            Timed("from nothing, one after another (run.jobs=1)", "serial", "serial-cache", null, "--set", "run.jobs=1");
            Timed("from nothing, side by side (default)", "parallel", "parallel-cache", null);
            Timed("from nothing, side by side, pushing to the remote", "push", "push-cache", nginx.Url);
            Timed("warm remote cache, empty local cache", "pull", "pull-cache", nginx.Url);
            Timed("no-op (every stage fresh)", "pull", "pull-cache", nginx.Url);

            var baseline = runs[0].Seconds;
            Console.WriteLine();
            Console.WriteLine("| run | wall s | vs serial | executed | restored | up-to-date |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (name, seconds, record) in runs)
            {
                var counts = Statuses(record);
                Console.WriteLine($"| {name} | {seconds:0.0} | {seconds / baseline:0.00} | {counts.GetValueOrDefault("executed")} | {counts.GetValueOrDefault("restored")} | {counts.GetValueOrDefault("up-to-date")} |");
            }
            Console.WriteLine();
            Shares("stage shares, from nothing one after another", runs[0].Record);
            Shares("stage shares, from nothing side by side", runs[1].Record);
            Console.WriteLine($"side by side: {Overlaps(runs[1].Record)} pairs of stages overlapped in time");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Runs ./build.sh with its own cache folder (and remote); the wall time, and the run record it wrote.</summary>
    private static double Build(string root, string[] args, string cache, string name, string? remote, out JsonElement record)
    {
        var info = new ProcessStartInfo(Path.Combine(root, "build.sh")) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["STAR1_CACHE_DIR"] = cache;
        info.Environment["STAR1_REMOTE_CACHE"] = remote ?? "";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{name}: ./build.sh {string.Join(' ', args)} failed ({process.ExitCode}):\n{output.Result}\n{errors.Result}");
        var artifacts = args.SkipWhile(a => a != "--artifacts").Skip(1).FirstOrDefault();
        record = artifacts is null ? default : JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "runs", "latest.json"))).RootElement.Clone();
        return seconds;
    }

    private static Dictionary<string, int> Statuses(JsonElement record) =>
        record.GetProperty("stages").EnumerateArray().GroupBy(s => s.GetProperty("status").GetString()!).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Each stage's seconds as a share of all stage seconds; cells of one kind (Eval.tiny.*) summed.</summary>
    private static void Shares(string title, JsonElement record)
    {
        var groups = record.GetProperty("stages").EnumerateArray()
            .GroupBy(s => Group(s.GetProperty("stage").GetString()!))
            .Select(g => (Name: g.Key, Seconds: g.Sum(s => s.GetProperty("seconds").GetDouble())))
            .OrderByDescending(g => g.Seconds).ToList();
        var total = groups.Sum(g => g.Seconds);
        Console.WriteLine($"{title} (stage seconds {total:0.0}):");
        Console.WriteLine("  " + string.Join(", ", groups.Select(g => $"{g.Name} {100 * g.Seconds / total:0}%")));
    }

    private static string Group(string stage) => stage.StartsWith("Eval.", StringComparison.Ordinal) ? stage[..stage.LastIndexOf('.')] + ".*" : stage;

    /// <summary>Pairs of stages whose spans (started, finished) in the run record overlap.</summary>
    private static int Overlaps(JsonElement record)
    {
        var spans = record.GetProperty("stages").EnumerateArray()
            .Select(s => (Start: s.GetProperty("started").GetDateTimeOffset(), End: s.GetProperty("finished").GetDateTimeOffset())).ToList();
        var count = 0;
        for (var i = 0; i < spans.Count; i++)
            for (var j = i + 1; j < spans.Count; j++)
                if (spans[i].Start < spans[j].End && spans[j].Start < spans[i].End) count++;
        return count;
    }
}
